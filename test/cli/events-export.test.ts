/**
 * `events export` then `events import` into a fresh server gives the same events. Export reads the
 * server's /_timeline/v1 API; until a server serves it, these tests skip saying so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { type ProxyAction, runCli, serverFlags, startProxy } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'events-export-test-'));
let source: TestServer;
let target: TestServer;

const template = {
  name: 'Order',
  objectType: 'contacts',
  headerTemplate: 'Ordered {{item}}',
  tokens: [
    { name: 'item', label: 'Item', type: 'string' },
    { name: 'qty', label: 'Quantity', type: 'number' },
  ],
};

before(async () => {
  source = await startTestServer();
  target = await startTestServer();
});
after(async () => {
  await source.close();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The events of a server by id, as HubSpot's create fields (what should survive a round trip). */
async function storedEvents(server: TestServer, templateId: string, ids: string[]) {
  return Promise.all(
    ids.map(async (id) => {
      const got = await server.request('GET', `/integrators/timeline/v3/events/${templateId}/${id}`);
      assert.equal(got.status, 200, `${id}: ${got.text}`);
      const { id: eventId, email, tokens, timestamp, extraData } = got.json;
      return { id: eventId, email, tokens, timestamp, extraData };
    }),
  );
}

describe('events export', () => {
  for (const format of ['ndjson', 'csv'] as const) {
    it(`exports ${format} that imports into a fresh server as the same events`, async () => {
      const sourceTemplate = await createTemplate(source, template);
      const ids = Array.from({ length: 30 }, (_, i) => `${format}-${i}`);
      const inputs = ids.map((id, i) => ({
        eventTemplateId: sourceTemplate,
        id,
        email: `buyer${i % 7}@example.com`,
        timestamp: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
        tokens: { item: `thing, "${i}"`, qty: i },
        extraData: { note: `n${i}`, nested: { list: [i, i + 1] } },
      }));
      const created = await source.request('POST', '/integrators/timeline/v3/events/batch/create', {
        body: { inputs },
      });
      assert.equal(created.status, 201, created.text);

      const file = join(dir, `export.${format}`);
      const exported = await runCli([
        'events',
        'export',
        ...serverFlags(source),
        '--format',
        format,
        '--output',
        file,
        '--page-size',
        '7',
        // The source keeps the other format's events too: export this round's template only.
        '--event-template-id',
        sourceTemplate,
      ]);
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stderr, /exported 30 events/);

      // Template ids are the target's own: a file moved between portals names the target's template.
      const targetTemplate = await createTemplate(target, template);
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll(sourceTemplate, targetTemplate));
      const imported = await runCli(['events', 'import', file, ...serverFlags(target)]);
      assert.equal(imported.code, 0, imported.stdout + imported.stderr);
      assert.match(imported.stdout, /created 30, already present 0, rejected 0/);

      const before = await storedEvents(source, sourceTemplate, ids);
      const afterwards = await storedEvents(target, targetTemplate, ids);
      // CSV carries extraData as JSON text and tokens as strings: both come back equal.
      assert.deepEqual(afterwards, before);
    });
  }

  it('follows paging.next.after of any server answering the read API shape, whatever its page size', async () => {
    const templateId = await createTemplate(source, template);
    const ids = Array.from({ length: 23 }, (_, i) => `standin-${i}`);
    const inputs = ids.map((id, i) => ({
      eventTemplateId: templateId,
      id,
      email: `standin${i % 4}@example.com`,
      tokens: { item: `item ${i}`, qty: i },
      extraData: { i },
    }));
    const created = await source.request('POST', '/integrators/timeline/v3/events/batch/create', {
      body: { inputs },
    });
    assert.equal(created.status, 201, created.text);
    const events: Record<string, unknown>[] = created.json.results;
    const byRecord = new Map<string, Record<string, unknown>[]>();
    for (const event of events)
      byRecord.set(String(event.objectId), [...(byRecord.get(String(event.objectId)) ?? []), event]);

    // HubSpot's CRM list shape: `results`, and `paging.next.after` on every page but the last.
    const page = (items: unknown[], query: URLSearchParams): ProxyAction => {
      const start = Number(query.get('after') ?? 0);
      const limit = Number(query.get('limit'));
      const body: Record<string, unknown> = { results: items.slice(start, start + limit) };
      if (start + limit < items.length) body.paging = { next: { after: String(start + limit) } };
      return { kind: 'answer', status: 200, body };
    };
    const requests: string[] = [];
    const proxy = await startProxy(source.url, ({ path, url }) => {
      const query = new URL(url, 'http://x').searchParams;
      const match = /^\/_timeline\/v1\/objects\/([^/]+)(?:\/([^/]+)\/events)?$/.exec(path);
      if (!match) return { kind: 'forward' };
      requests.push(url);
      if (match[1] !== 'contacts') return page([], query);
      if (match[2] === undefined)
        return page(
          [...byRecord.keys()].map((id) => ({ id, eventCount: byRecord.get(id)?.length })),
          query,
        );
      return page(byRecord.get(match[2]) ?? [], query);
    });
    const file = join(dir, 'standin.ndjson');
    const run = await runCli([
      'events',
      'export',
      ...serverFlags(source),
      '--base-url',
      proxy.url,
      '--page-size',
      '2',
      '--output',
      file,
    ]);
    await proxy.close();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /exported 23 events/);
    assert.ok(
      requests.some((url) => url.includes('after=')),
      'it followed paging.next.after',
    );
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((e) => e.id).sort(), [...ids].sort());
    const first = lines.find((e) => e.id === 'standin-0');
    assert.deepEqual(Object.keys(first), [
      'eventTemplateId',
      'id',
      'email',
      'timestamp',
      'tokens',
      'extraData',
    ]);
    assert.deepEqual(first.tokens, { item: 'item 0', qty: '0' });

    // Imported into a fresh portal (its own template id), the events are the same.
    const targetTemplate = await createTemplate(target, template);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(templateId, targetTemplate));
    const imported = await runCli(['events', 'import', file, ...serverFlags(target)]);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /created 23, already present 0, rejected 0/);
    assert.deepEqual(
      await storedEvents(target, targetTemplate, ids),
      await storedEvents(source, templateId, ids),
    );
  });

  it('says plainly when the target has no read API', async () => {
    // A server without /_timeline/v1 (an older timeline-server here) answers its paths as unknown.
    const proxy = await startProxy(source.url, ({ path }) =>
      path.startsWith('/_timeline/')
        ? {
            kind: 'answer',
            status: 404,
            body: { status: 'error', message: `No route for GET ${path}`, category: 'OBJECT_NOT_FOUND' },
          }
        : { kind: 'forward' },
    );
    const run = await runCli(['events', 'export', ...serverFlags(source, proxy.url)]);
    await proxy.close();
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /HubSpot's v3 API has no way to list events[\s\S]*fix: point --base-url at a timeline-server/,
    );
  });
});
