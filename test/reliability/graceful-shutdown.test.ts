/**
 * Graceful shutdown of `timeline-server serve`: SIGTERM during sustained ingestion
 * finishes what is in flight, stores every answered event and exits 0 within `--shutdown-timeout`;
 * a request reaching a stopping server gets HubSpot's 503; a request still running at the bound is
 * cut and the exit is 1; a second signal exits at once with 130.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  checkAcknowledged,
  checkWhole,
  createContacts,
  createProbeTemplate,
  IngestionLoad,
  Ledger,
  type StoredProbe,
} from '../helpers/ingestion-load.js';
import { SeededRandom } from '../helpers/seeded-random.js';
import { SERVE_CREDENTIALS, type ServeProcess, signalAndWait, spawnServe } from '../helpers/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'shutdown-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BATCH_PATH = '/integrators/timeline/v3/events/batch/create';

function readStored(path: string): StoredProbe {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const events = db
      .prepare(
        `SELECT e.event_id AS eventId, CAST(e.object_id AS TEXT) AS objectId FROM timeline_events e
         JOIN event_templates t ON t.id = e.template_id WHERE t.name = 'Crash probe'`,
      )
      .all() as StoredProbe['events'];
    const stamps = db
      .prepare(
        `SELECT json_extract(properties, '$.crash_ref') AS ref, CAST(id AS TEXT) AS objectId FROM crm_records
         WHERE json_extract(properties, '$.crash_ref') IS NOT NULL`,
      )
      .all() as StoredProbe['stamps'];
    return { events, stamps };
  } finally {
    db.close();
  }
}

/** A raw connection to the server, to hold a request half-sent and to pipeline another after it. */
async function rawConnection(url: string): Promise<{ socket: Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const received = new Promise<string>((resolve) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(data));
  });
  return { socket, received };
}

function batchRequest(templateId: string, id: string): { head: string; body: string } {
  const body = JSON.stringify({
    inputs: [{ eventTemplateId: templateId, id, email: `${id}@shutdown.example`, tokens: { ref: id, n: 1 } }],
  });
  const head =
    `POST ${BATCH_PATH} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${SERVE_CREDENTIALS.accessToken}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return { head, body };
}

/** Status lines and JSON bodies of the HTTP/1.1 answers read off one connection, in order. */
function answers(raw: string): { status: number; head: string; body: string }[] {
  return raw
    .split(/(?=HTTP\/1\.1 \d{3})/)
    .filter((part) => part.startsWith('HTTP/1.1'))
    .map((part) => {
      const [head = '', body = ''] = part.split('\r\n\r\n');
      return { status: Number(head.slice(9, 12)), head: head.toLowerCase(), body };
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  it('SIGTERM during sustained ingestion: in-flight requests finish, every answered event is stored, exit 0 in time', async () => {
    const rng = SeededRandom.fromEnv('CRASH_SEED');
    console.log(`# graceful shutdown: seed ${rng.seed} (replay with CRASH_SEED=${rng.seed})`);
    const db = join(dir, 'sigterm.db');
    const ledger = new Ledger();
    const timeoutSeconds = 10;
    let templateId = '';
    let finishedAfterSignal = 0;
    for (let round = 1; round <= 3; round++) {
      const server = await spawnServe(db, ['--shutdown-timeout', String(timeoutSeconds)]);
      if (!templateId) templateId = await createProbeTemplate(server.url);
      const contacts = await createContacts(server.url, 20, `${rng.seed}-${round}`);
      const load = new IngestionLoad({
        url: server.url,
        templateId,
        clients: 6,
        rng,
        tag: `t${rng.seed}-${round}`,
        contacts,
        ledger,
      }).start();
      await sleep(rng.int(300, 900));
      const createdAtSignal = ledger.counts.created;
      const signalledAt = performance.now();
      const { code, signal } = await signalAndWait(server, 'SIGTERM');
      const tookMs = performance.now() - signalledAt;
      await load.stop();
      finishedAfterSignal += ledger.counts.created - createdAtSignal;
      assert.equal(code, 0, `exit code (signal ${signal}); output:\n${server.output()}`);
      assert.ok(tookMs < timeoutSeconds * 1000, `stopped in ${Math.round(tookMs)} ms`);
      assert.match(server.output(), /SIGTERM: stopping/);
      assert.match(server.output(), /^stopped$/m);
      assert.deepEqual(checkWhole(readStored(db), ledger.acknowledged), [], `round ${round}`);
      console.log(
        `# round ${round}: stopped in ${Math.round(tookMs)} ms, ${ledger.counts.created - createdAtSignal} events answered after the signal`,
      );
    }
    assert.deepEqual(ledger.unexpected, [], 'only 201s and HubSpot 503s were answered');
    assert.ok(finishedAfterSignal > 0, 'requests in flight at the signal were finished and answered');
    const again = await spawnServe(db);
    assert.deepEqual(await checkAcknowledged(again.url, templateId, ledger.acknowledged), []);
    assert.equal((await signalAndWait(again, 'SIGINT')).code, 0);
    console.log(
      `# graceful shutdown: ${ledger.acknowledged.size} events acknowledged and read back, ${ledger.counts.unavailable} answered 503 while stopping`,
    );
  });

  it('finishes the request in flight and answers one that reaches the stopping server 503 in HubSpot envelope', async () => {
    const db = join(dir, 'in-flight.db');
    const server = await spawnServe(db);
    const templateId = await createProbeTemplate(server.url);
    const inFlight = await rawConnection(server.url);
    const late = await rawConnection(server.url);
    const first = batchRequest(templateId, 'in-flight');
    const second = batchRequest(templateId, 'too-late');
    // The first request's head is in before the signal (it is being handled while the server
    // stops); the second's head is still incomplete, so it is routed only once the stop has begun.
    inFlight.socket.write(first.head + first.body.slice(0, 10));
    late.socket.write(second.head.slice(0, 20));
    await sleep(200);
    server.child.kill('SIGTERM');
    await sleep(300);
    inFlight.socket.write(first.body.slice(10));
    late.socket.write(second.head.slice(20) + second.body);

    const [done] = answers(await inFlight.received);
    assert.equal(done?.status, 201, done?.body);
    assert.equal(JSON.parse(done?.body ?? '{}').results[0].id, 'in-flight');
    assert.match(done?.head ?? '', /connection: close/, 'the connection ends with its answer');
    const [refused] = answers(await late.received);
    assert.equal(refused?.status, 503, refused?.body);
    const envelope = JSON.parse(refused?.body ?? '{}');
    assert.equal(envelope.status, 'error');
    assert.equal(envelope.category, 'SERVICE_UNAVAILABLE');
    assert.equal(envelope.message, 'The server is shutting down; retry shortly');
    assert.match(refused?.head ?? '', new RegExp(`x-hubspot-correlation-id: ${envelope.correlationId}`));
    assert.match(refused?.head ?? '', /connection: close/);
    assert.equal((await server.exited).code, 0);
    assert.deepEqual(
      readStored(db).events.map((e) => e.eventId),
      ['in-flight'],
      'the answered event is stored, the refused one is not',
    );
  });

  it('cuts a request still running at --shutdown-timeout and exits 1, saying so', async () => {
    const server = await spawnServe(join(dir, 'timeout.db'), ['--shutdown-timeout', '1']);
    const templateId = await createProbeTemplate(server.url);
    const { socket, received } = await rawConnection(server.url);
    const slow = batchRequest(templateId, 'never-finished');
    socket.write(slow.head + slow.body.slice(0, 10));
    await sleep(200);
    const signalledAt = performance.now();
    const { code } = await signalAndWait(server, 'SIGTERM');
    const tookMs = performance.now() - signalledAt;
    assert.equal(code, 1);
    assert.ok(tookMs >= 900 && tookMs < 5000, `stopped after ${Math.round(tookMs)} ms`);
    assert.match(server.output(), /still running after 1 s \(--shutdown-timeout\)/);
    assert.equal(await received, '', 'the cut request got no answer (so nothing was acknowledged)');
    socket.destroy();
  });

  it('exits at once with 130 on a second signal', async () => {
    const server: ServeProcess = await spawnServe(join(dir, 'forced.db'), ['--shutdown-timeout', '60']);
    const templateId = await createProbeTemplate(server.url);
    const { socket } = await rawConnection(server.url);
    const slow = batchRequest(templateId, 'held');
    socket.write(slow.head + slow.body.slice(0, 10));
    await sleep(200);
    server.child.kill('SIGTERM');
    await sleep(300);
    const signalledAt = performance.now();
    const { code } = await signalAndWait(server, 'SIGINT');
    assert.equal(code, 130);
    assert.ok(performance.now() - signalledAt < 2000);
    assert.match(server.output(), /SIGINT again: exiting now/);
    socket.destroy();
  });
});
