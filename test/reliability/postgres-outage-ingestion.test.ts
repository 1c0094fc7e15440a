/**
 * PostgreSQL going away during sustained ingestion: the server (a real process) reaches
 * PostgreSQL through a TCP proxy the test cuts and restores several times, at seeded moments,
 * while several clients send batches. This stands in for a PostgreSQL restart: every connection
 * drops and new ones are refused until it is back (the machine's real server is never touched).
 * While it is down every answer is a 503 in HubSpot's envelope; the server recovers by itself;
 * nothing acknowledged is lost and nothing is half-written.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CuttableProxy } from '../helpers/cuttable-proxy.js';
import {
  checkAcknowledged,
  checkWhole,
  createContacts,
  createProbeTemplate,
  IngestionLoad,
  Ledger,
} from '../helpers/ingestion-load.js';
import { type ScratchSchema, scratchSchema } from '../helpers/scratch-schema.js';
import { SeededRandom } from '../helpers/seeded-random.js';
import { signalAndWait, spawnServe } from '../helpers/serve-process.js';
import { readPostgresProbe } from './postgres-probe.js';

const PG_URL = process.env.TIMELINE_TEST_PG_URL;
const SKIP = PG_URL
  ? false
  : 'TIMELINE_TEST_PG_URL is not set: the PostgreSQL outage test is skipped (set it to run)';
const OUTAGES = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL outage during ingestion', () => {
  let schema: ScratchSchema | undefined;
  let proxy: CuttableProxy | undefined;
  after(async () => {
    await proxy?.cut().catch(() => {});
    await schema?.drop();
  });

  it('answers 503 in HubSpot envelope while it is down, recovers by itself, loses nothing acknowledged', {
    skip: SKIP,
    timeout: 120_000,
  }, async () => {
    const rng = SeededRandom.fromEnv('CRASH_SEED');
    console.log(`# PostgreSQL outage: seed ${rng.seed} (replay with CRASH_SEED=${rng.seed})`);
    const scratch = await scratchSchema(PG_URL as string, 'outage_load');
    schema = scratch;
    const cuttable = CuttableProxy.to(PG_URL as string);
    proxy = cuttable;
    await cuttable.start();
    const server = await spawnServe(scratch.url(cuttable.port));
    const templateId = await createProbeTemplate(server.url);
    const ledger = new Ledger();
    const load = new IngestionLoad({
      url: server.url,
      templateId,
      clients: 4,
      rng,
      tag: `o${rng.seed}`,
      contacts: await createContacts(server.url, 60, `outage-${rng.seed}`),
      ledger,
    }).start();

    for (let outage = 1; outage <= OUTAGES; outage++) {
      await sleep(rng.int(200, 700));
      await cuttable.cut();
      const unavailableBefore = ledger.counts.unavailable;
      await sleep(rng.int(400, 1200));
      assert.ok(ledger.counts.unavailable > unavailableBefore, `outage ${outage}: 503s while down`);
      await cuttable.start();
      // Recovery by itself: acknowledgements resume without any restart of the server.
      const createdAtRestore = ledger.counts.created;
      const deadline = performance.now() + 15_000;
      while (ledger.counts.created === createdAtRestore && performance.now() < deadline) await sleep(50);
      assert.ok(ledger.counts.created > createdAtRestore, `outage ${outage}: served again once it was back`);
    }
    await sleep(300);
    await load.stop();
    assert.deepEqual(ledger.unexpected, [], 'only 201s and HubSpot 503s were answered');
    assert.deepEqual(await checkAcknowledged(server.url, templateId, ledger.acknowledged), []);
    assert.equal((await signalAndWait(server, 'SIGTERM')).code, 0);
    assert.deepEqual(checkWhole(await readPostgresProbe(scratch), ledger.acknowledged), []);
    console.log(
      `# PostgreSQL outage: ${OUTAGES} outages, ${ledger.counts.requests} batch requests, ` +
        `${ledger.acknowledged.size} events acknowledged and checked, ${ledger.counts.unavailable} answered 503, ` +
        `${ledger.counts.connectionErrors} without an answer; 0 problems`,
    );
  });
});
