/**
 * Reads are not held behind a burst of event writes: the server takes create requests' work a few
 * at a time per turn of its event loop, and the store answers a read between two commits.
 * `/_health` sent while a hundred batches of a hundred events are on their way answers before those
 * batches all have (it answered after every one of them when the server read, checked and queued
 * all the batches that had arrived before it); a record's timeline read meanwhile answers; and each
 * acknowledged write is in the next read all the same.
 *
 * The server runs as a process of its own (on a SQLite file, as deployed): in this process its event
 * loop would be shared with the test's client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { SERVE_CREDENTIALS, type ServeProcess, signalAndWait, spawnServe } from '../helpers/serve-process.js';
import { PREFIXES } from './template-helpers.js';

const BATCHES = 100;
const EVENTS = 100;
const BATCH_PATH = `${PREFIXES[0]}/events/batch/create`;

let serve: ServeProcess;
let scratch: string;

/** One request on a connection of its own: answers its status and parsed body. */
function send(method: string, path: string, body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${SERVE_CREDENTIALS.accessToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request(`${serve.url}${path}`, { method, headers, agent: false });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.once('error', reject);
    req.end(body);
  });
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'reads-during-writes-'));
  serve = await spawnServe(join(scratch, 'timeline.db'));
});
after(async () => {
  await signalAndWait(serve, 'SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
});

it('answers /_health before a burst of batch writes sent ahead of it is done, and reads back each write at once', async () => {
  const template = await send(
    'POST',
    `${PREFIXES[0]}/${SERVE_CREDENTIALS.appId}/event-templates?hapikey=${SERVE_CREDENTIALS.developerApiKey}`,
    JSON.stringify({
      name: 'Order',
      objectType: 'contacts',
      headerTemplate: 'Ordered **{{product}}**',
      tokens: [{ name: 'product', label: 'Product', type: 'string' }],
    }),
  );
  assert.equal(template.status, 201);
  const templateId = (template.json as { id: string }).id;
  // Built before the burst, so the test's own work does not space the batches out.
  const bodies = Array.from({ length: BATCHES + 1 }, (_, n) =>
    JSON.stringify({
      inputs: Array.from({ length: EVENTS }, (_, i) => ({
        eventTemplateId: templateId,
        id: `burst-${n}-${i}`,
        // The first event of each batch goes to a contact of its own, read back once acknowledged.
        email: i === 0 ? `solo-${n}@reads.example` : `burst-${i % 10}@reads.example`,
        tokens: { product: `p${i}` },
      })),
    }),
  );
  const first = await send('POST', BATCH_PATH, bodies[BATCHES]);
  assert.equal(first.status, 201);
  const contactId = (first.json as { results: { objectId: string }[] }).results[1]?.objectId;

  let writesDone = 0;
  const writes = bodies.slice(0, BATCHES).map(async (body, n) => {
    const res = await send('POST', BATCH_PATH, body);
    writesDone += 1;
    if (res.status !== 201) return `${res.status}`;
    // Read-after-write: the acknowledged event is in the next read, the burst still going on.
    const results = (res.json as { results: { id: string; objectId: string }[] }).results;
    const solo = results.find((event) => event.id === `burst-${n}-0`);
    const read = await send('GET', `/_timeline/v1/objects/contacts/${solo?.objectId}/events`);
    const events = (read.json as { results?: { id: string }[] }).results;
    return events?.[0]?.id === `burst-${n}-0` ? 'read back' : `not read back: ${JSON.stringify(read.json)}`;
  });
  const [[health, writesBeforeHealth], timeline] = await Promise.all([
    send('GET', '/_health').then((res) => [res.status, writesDone] as const),
    send('GET', `/_timeline/v1/objects/contacts/${contactId}/events`),
  ]);
  assert.equal(health, 200);
  assert.equal(timeline.status, 200);
  assert.deepEqual(await Promise.all(writes), Array(BATCHES).fill('read back'));
  assert.ok(writesBeforeHealth < BATCHES, `/_health answered after all ${BATCHES} batches`);
});
