/**
 * The crash-safety cycle both backends run: start `timeline-server serve` on one
 * database, ingest from several clients, SIGKILL it at a random moment, and again, each time
 * checking that it serves again, that every event acknowledged before the kill reads back
 * identical, and that the stored data has no half-written item. Some kills land during the start
 * (migrations, provisioning) instead. The moments, batch sizes and payloads come from a seed
 * (printed; `CRASH_SEED` replays it); `CRASH_KILLS` sets how many kills land during ingestion.
 */
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
import { type ServeProcess, signalAndWait, spawnServe } from '../helpers/serve-process.js';

export interface CrashRunOptions {
  label: string;
  db: string;
  /** Reads the probe events and stamps straight from the database (the server is stopped). */
  readStored(): Promise<StoredProbe>;
  /** Further checks of the database while the server is down (SQLite: integrity_check). */
  checkDown?(): Promise<string[]>;
}

export interface CrashRunReport {
  seed: number;
  kills: number;
  startupKills: number;
  acknowledged: number;
  requests: number;
  checkedEachCycle: number;
  problems: string[];
}

const CLIENTS = 4;
const POOL_PER_CYCLE = 20;
/** Events of the previous cycle read back over HTTP after each restart. */
const SAMPLE = 200;

export function killCount(): number {
  const raw = process.env.CRASH_KILLS;
  const kills = raw ? Number(raw) : 10;
  if (!Number.isInteger(kills) || kills < 1)
    throw new Error(`CRASH_KILLS must be a positive integer, got '${raw}'`);
  return kills;
}

export async function runCrashCycles(options: CrashRunOptions): Promise<CrashRunReport> {
  const rng = SeededRandom.fromEnv('CRASH_SEED');
  const kills = killCount();
  console.log(`# ${options.label}: seed ${rng.seed} (replay with CRASH_SEED=${rng.seed}), ${kills} kills`);
  const startedAt = performance.now();
  const ledger = new Ledger();
  const report: CrashRunReport = {
    seed: rng.seed,
    kills: 0,
    startupKills: 0,
    acknowledged: 0,
    requests: 0,
    checkedEachCycle: 0,
    problems: [],
  };
  const fail = (where: string, problems: string[]) => {
    for (const problem of problems.slice(0, 20)) report.problems.push(`${where}: ${problem}`);
  };
  let templateId: string | undefined;
  let previous = new Map<string, Record<string, unknown>>();

  for (let cycle = 1; cycle <= kills; cycle++) {
    // Now and then a kill during the start: migrations, provisioning, the listening socket.
    if (cycle % 4 === 2) {
      const delay = rng.int(0, 400);
      const started = spawnServe(options.db, [], (child) => {
        setTimeout(() => child.kill('SIGKILL'), delay);
      });
      const running = await started.catch(() => undefined);
      if (running) await signalAndWait(running, 'SIGKILL');
      else await new Promise((resolve) => setTimeout(resolve, 50));
      report.startupKills++;
    }
    let server: ServeProcess;
    try {
      server = await spawnServe(options.db);
    } catch (error) {
      fail(`cycle ${cycle}`, [`did not serve again: ${(error as Error).message}`]);
      break;
    }
    const health = await fetch(`${server.url}/_health`);
    if (health.status !== 200) fail(`cycle ${cycle}`, [`/_health answered ${health.status}`]);
    templateId ??= await createProbeTemplate(server.url);
    // Events acknowledged just before the kill read back as they were answered (a sample here;
    // every one after the last restart, and the database check below sees them all each time).
    const sample = [...previous].filter(() => rng.next() < SAMPLE / Math.max(SAMPLE, previous.size));
    fail(`cycle ${cycle} read-back`, await checkAcknowledged(server.url, templateId, sample));
    report.checkedEachCycle += sample.length;

    const contacts = await createContacts(server.url, POOL_PER_CYCLE, `${rng.seed}-${cycle}`);
    const before = new Set(ledger.acknowledged.keys());
    const load = new IngestionLoad({
      url: server.url,
      templateId,
      clients: CLIENTS,
      rng,
      tag: `k${rng.seed}-${cycle}`,
      contacts,
      ledger,
    }).start();
    await new Promise((resolve) => setTimeout(resolve, rng.int(150, 1200)));
    await signalAndWait(server, 'SIGKILL');
    await load.stop();
    report.kills++;
    previous = new Map([...ledger.acknowledged].filter(([id]) => !before.has(id)));

    if (options.checkDown) fail(`cycle ${cycle} down`, await options.checkDown());
    fail(`cycle ${cycle} stored`, checkWhole(await options.readStored(), ledger.acknowledged));
  }

  // The last restart: it serves, and every event acknowledged in the whole run is there.
  const last = await spawnServe(options.db);
  if (templateId) fail('final read-back', await checkAcknowledged(last.url, templateId, ledger.acknowledged));
  const stopped = await signalAndWait(last, 'SIGTERM');
  if (stopped.code !== 0) fail('final stop', [`exit code ${stopped.code} (signal ${stopped.signal})`]);
  if (options.checkDown) fail('final', await options.checkDown());
  fail('final stored', checkWhole(await options.readStored(), ledger.acknowledged));

  fail('answers', ledger.unexpected);
  report.acknowledged = ledger.acknowledged.size;
  report.requests = ledger.counts.requests;
  console.log(
    `# ${options.label}: ${report.kills} kills during ingestion and ${report.startupKills} during start survived; ` +
      `${ledger.counts.requests} batch requests, ${report.acknowledged} events acknowledged and checked, ` +
      `${ledger.counts.connectionErrors} requests cut by a kill; ${report.problems.length} problems`,
    `(${Math.round(performance.now() - startedAt)} ms)`,
  );
  return report;
}
