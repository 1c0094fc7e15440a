/**
 * Scale-out: two server processes on one PostgreSQL database, written to at once. Nothing may be
 * lost or duplicated: ids stay unique, re-sends and id conflicts behave as on one process, and an
 * email creates exactly one contact however the processes race.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ScratchSchema, scratchSchema } from '../helpers/scratch-schema.js';

const PG_URL = process.env.TIMELINE_TEST_PG_URL;
const SKIP = PG_URL
  ? false
  : 'TIMELINE_TEST_PG_URL is not set: the multi-process PostgreSQL test is skipped (set it to run)';
const ENTRY = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
const API = '/integrators/timeline/v3';
const CREDENTIALS = [
  '--portal-id',
  '4100',
  '--app-id',
  '4200',
  '--access-token',
  'multi-token',
  '--developer-api-key',
  'multi-key',
];

interface Server {
  child: ChildProcess;
  url: string;
}

function serve(db: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [ENTRY, 'serve', '--port', '0', '--db', db, '--log-level', 'silent', ...CREDENTIALS],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary response shapes
async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer multi-token' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('two server processes on one PostgreSQL database', () => {
  let schema: ScratchSchema;
  let servers: Server[] = [];
  let templateId: string;

  before(async () => {
    if (!PG_URL) return;
    schema = await scratchSchema(PG_URL, 'multi');
    // Both start at once: migrations and provisioning must be safe when they race.
    servers = await Promise.all([serve(schema.url()), serve(schema.url())]);
    const created = await fetch(`${servers[0]?.url}${API}/4200/event-templates?hapikey=multi-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Multi',
        tokens: [{ name: 'n', label: 'N', type: 'number', objectPropertyName: 'last_n' }],
      }),
    });
    assert.equal(created.status, 201);
    templateId = ((await created.json()) as { id: string }).id;
  });

  after(async () => {
    if (!PG_URL) return;
    await Promise.all(
      servers.map(
        (server) =>
          new Promise((done) => {
            server.child.once('exit', done);
            server.child.kill('SIGTERM');
          }),
      ),
    );
    await schema.drop();
  });

  it('loses and duplicates nothing under concurrent batches through both processes', {
    skip: SKIP,
  }, async () => {
    const emails = Array.from({ length: 40 }, (_, i) => `multi-${i}@example.com`);
    // 16 batches of 100 events alternate between the processes; every email is in every batch,
    // so each new contact is raced for by all of them. Ids are unique per batch and event.
    const batches = Array.from({ length: 16 }, (_, b) => ({
      inputs: Array.from({ length: 100 }, (_, i) => ({
        eventTemplateId: templateId,
        id: `m-${b}-${i}`,
        email: emails[i % emails.length],
        tokens: { n: b },
      })),
    }));
    const responses = await Promise.all(
      batches.map((body, b) => post((servers[b % 2] as Server).url, `${API}/events/batch/create`, body)),
    );
    const contactOf = new Map<string, Set<string>>();
    for (const response of responses) {
      assert.equal(response.status, 201, JSON.stringify(response.json).slice(0, 500));
      assert.equal(response.json.results.length, 100);
      for (const event of response.json.results) {
        const ids = contactOf.get(event.email) ?? new Set<string>();
        ids.add(event.objectId);
        contactOf.set(event.email, ids);
      }
    }
    for (const [email, ids] of contactOf) assert.equal(ids.size, 1, `${email} resolved to ${[...ids]}`);

    // Every event is readable from either process.
    for (const [b, i] of [
      [0, 0],
      [7, 55],
      [15, 99],
    ] as const) {
      for (const server of servers) {
        const read = await fetch(`${server.url}${API}/events/${templateId}/m-${b}-${i}`, {
          headers: { authorization: 'Bearer multi-token' },
        });
        assert.equal(read.status, 200);
      }
    }
    const { rows } = await schema.admin.query(
      `SELECT count(*)::int AS events FROM ${schema.name}.timeline_events`,
    );
    assert.equal(rows[0].events, 1600, 'every event stored exactly once');
    const contacts = await schema.admin.query(
      `SELECT count(*)::int AS n FROM ${schema.name}.crm_records WHERE portal_id = 4100 AND object_type = 'contacts'`,
    );
    assert.equal(contacts.rows[0].n, emails.length, 'one contact per email');
  });

  it('keeps re-sends idempotent and refuses conflicting ids across processes', { skip: SKIP }, async () => {
    const event = {
      eventTemplateId: templateId,
      id: 'cross-1',
      email: 'cross@example.com',
      tokens: { n: 1 },
    };
    const racing = await Promise.all(
      Array.from({ length: 8 }, (_, k) => post((servers[k % 2] as Server).url, `${API}/events`, event)),
    );
    for (const response of racing) assert.equal(response.status, 201);
    assert.equal(
      new Set(racing.map((response) => response.json.createdAt)).size,
      1,
      'one stored event answered to all',
    );
    const conflict = await post((servers[1] as Server).url, `${API}/events`, { ...event, tokens: { n: 2 } });
    assert.equal(conflict.status, 400);
    assert.equal(conflict.json.message, 'Event ID already in use, please choose a new unique ID');
  });
});
