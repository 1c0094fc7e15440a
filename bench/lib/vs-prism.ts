/**
 * `bench:ingest --vs-prism`: our server (SQLite file, durable commits, or `--db :memory:`) side by side with Stoplight
 * Prism mocking the same two operations. Measures, in one run: batch ingestion at several connection
 * counts and single creates at one connection, in alternating rounds; start-up time; ingestion after
 * --preload events are already stored; peak memory; and every answer that was not a 201. Prints each
 * measurement, the medians, a summary, and writes everything to bench/results/vs-prism-<time>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_PATH, batchBodies, SINGLE_PATH, singleBodies } from './bodies.js';
import { expectCreated, failureCount, type LoadResult } from './load.js';
import { ACCESS_TOKEN, createTemplate, PORTAL_ID, startOurs } from './ours.js';
import { preload } from './preload.js';
import { ensurePrism, PRISM_PACKAGE, startPrism, writeDocument } from './prism.js';
import { columns, type Scenario, type ScenarioOptions, scenarios } from './scenarios.js';
import { budgetLines, measureSingleBudget, medianBudget, type SingleBudget } from './single-budget.js';
import { measureStartups, type Startups } from './startup.js';
import { formatFailures, formatResult, median, ratio, summarize } from './stats.js';
import { TARGETS, type Target, Targets } from './targets.js';

export interface VsPrismOptions extends ScenarioOptions {
  rounds: number;
  poolSize: number;
  preload: number;
  starts: number;
  /** Our server on `--db :memory:` (what `startTimelineServer()` gives a test suite) instead of files. */
  memory: boolean;
}

type Pair = Record<Target, LoadResult[]>;

const RESULTS_DIR = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');

export async function runVsPrism(o: VsPrismOptions): Promise<boolean> {
  const prismVersion = await ensurePrism();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`;
  console.log(
    `ingest --vs-prism: ${o.batchSize}-event batches at ${o.connections.join(' and ')} connections, single creates at 1, ` +
      `${o.duration} s a measurement, ${o.rounds} alternating round(s), email pool ${o.poolSize}, preload ${o.preload}`,
  );
  console.log(
    `machine: ${machine}; prism ${prismVersion} (${PRISM_PACKAGE}) mock mode, --verboseLevel silent`,
  );
  if (o.memory && o.preload > 0)
    throw new Error(
      '--preload stores events into a file before our server starts on it: give --preload 0 with --db :memory:',
    );
  const scratch = mkdtempSync(join(tmpdir(), 'timeline-vs-prism-'));
  /** Where each of our servers keeps its events: a fresh file per round, or its own memory. */
  const ourDb = (file: string): string => (o.memory ? ':memory:' : join(scratch, file));
  const targets = new Targets();
  try {
    const ours = await targets.set('ours', await startOurs(ourDb('round-1.db')), 'empty db');
    const templateId = await createTemplate(ours.url);
    writeDocument(templateId, o.batchSize);
    const batches = batchBodies(templateId, o.batchSize, o.poolSize);
    const singles = singleBodies(templateId, o.poolSize);
    const probe = { batch: batches[0] as string, single: singles[0] as string };

    console.log(`\nstart-up: spawn to first 2xx, ${o.starts} starts of each ...`);
    const startups = await measureStartups(o.starts, scratch, probe.single);

    const prism = await targets.set('prism', await startPrism(probe.single, ACCESS_TOKEN), 'mock');
    const bare = await fetch(`${prism.url}${BATCH_PATH}`, { method: 'POST', body: probe.batch });
    await bare.arrayBuffer();
    console.log(
      `prism answers ${bare.status} without the Bearer header; both targets get it on every request`,
    );

    const list = scenarios(o, batches, singles);
    // The single create's time budget, on the same disk, measured at the end of every round so
    // that the fsync is timed under the same conditions as the rounds' single creates.
    const budgets: SingleBudget[] = [];
    const results = list.map((): Pair => ({ ours: [], prism: [] }));
    console.log(
      `\nempty database: each round starts our server on ${o.memory ? 'an in-memory database (--db :memory:)' : 'a fresh SQLite file'}`,
    );
    for (let round = 1; round <= o.rounds; round++) {
      if (round > 1) {
        const fresh = await targets.set('ours', await startOurs(ourDb(`round-${round}.db`)), 'empty db');
        const id = await createTemplate(fresh.url);
        if (id !== templateId) throw new Error(`a fresh database gave template ${id}, not ${templateId}`);
      }
      for (const target of TARGETS) {
        await expectCreated(target, targets.url(target), BATCH_PATH, probe.batch, ACCESS_TOKEN);
        await expectCreated(target, targets.url(target), SINGLE_PATH, probe.single, ACCESS_TOKEN);
      }
      const order: Target[] = round % 2 ? ['ours', 'prism'] : ['prism', 'ours'];
      for (const [i, scenario] of list.entries()) {
        for (const target of order) {
          const result = await scenario.run(targets.url(target));
          results[i]?.[target].push(result);
          console.log(`round ${round}  ${columns(scenario, target)} ${formatResult(result)}`);
        }
      }
      // The budget splits a durable commit on this disk; in memory there is none to split.
      if (o.memory) continue;
      const budget = await measureSingleBudget(scratch, `round-${round}`);
      budgets.push(budget);
      console.log(`round ${round}  ${budgetLines(budget).join('; ')}`);
    }
    await targets.stopAll();

    const medians = list.map((_, i) => {
      const pair = results[i] as Pair;
      return { ours: summarize(pair.ours), prism: summarize(pair.prism) };
    });
    console.log(`\nmedians of ${o.rounds} round(s)`);
    for (const [i, scenario] of list.entries()) {
      const m = medians[i] as Record<Target, LoadResult>;
      for (const target of TARGETS)
        console.log(`median   ${columns(scenario, target)} ${formatResult(m[target])}`);
      console.log(`         ${ratios(scenario, m)}`);
    }

    const singleIndex = list.findIndex((scenario) => scenario.kind === 'single');
    const singleP50 = medians[singleIndex]?.ours.p50 ?? Number.NaN;
    const budget = o.memory ? undefined : medianBudget(budgets);
    const budgetText = budget ? budgetLines(budget, singleP50) : [];
    if (!o.memory)
      console.log(`\nsingle create budget (medians of ${o.rounds} round(s))\n  ${budgetText.join('\n  ')}`);

    const preloaded =
      o.preload > 0
        ? await preloadPhase(o, targets, list[0] as Scenario, scratch, templateId, probe.batch)
        : { after: [], emptyBeside: [] };
    const afterPreload = preloaded.after;

    const summary = summaryLines(o, list, medians, startups, preloaded, targets);
    summary.push(...budgetText);
    const allOurs = [...results.flatMap((r) => r.ours), ...afterPreload, ...preloaded.emptyBeside];
    const allPrism = results.flatMap((r) => r.prism);
    const failures = { ours: summarize(allOurs), prism: summarize(allPrism) };
    for (const target of TARGETS) {
      const total = failures[target];
      summary.push(
        `not 201 / errors, ${target}: ${failureCount(total) === 0 ? `none (${total.requests} requests)` : formatFailures(total).trim()}`,
      );
    }
    console.log(`\nSUMMARY\n  ${summary.join('\n  ')}`);
    const oursClean = failureCount(failures.ours) === 0;
    if (!oursClean)
      console.log(
        '\n!!!!!!!! OUR SERVER ANSWERED SOMETHING OTHER THAN 201 (or connections failed): THESE FIGURES ARE NOT VALID !!!!!!!!',
      );
    const file = saveResults({
      options: o,
      machine,
      prismVersion,
      results,
      afterPreload,
      emptyBesidePreload: preloaded.emptyBeside,
      startups,
      budget: budget satisfies SingleBudget | undefined,
      summary,
    });
    console.log(`\nresults: ${file}`);
    return oursClean;
  } finally {
    await targets.stopAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function ratios(scenario: Scenario, m: Record<Target, LoadResult>): string {
  const { ours, prism } = m;
  return scenario.kind === 'single'
    ? `ratio ours/prism: p50 ${ratio(ours.p50, prism.p50)}   p99 ${ratio(ours.p99, prism.p99)}   creates/s ${ratio(ours.eventsPerSecond, prism.eventsPerSecond)}`
    : `ratio ours/prism: events/s ${ratio(ours.eventsPerSecond, prism.eventsPerSecond)}   p99 ${ratio(ours.p99, prism.p99)}   p50 ${ratio(ours.p50, prism.p50)}`;
}

/**
 * A fresh file gets the template through the API, then --preload events straight through the store
 * while no server runs; our server then restarts on it and the first scenario runs --rounds times.
 */
async function preloadPhase(
  o: VsPrismOptions,
  targets: Targets,
  scenario: Scenario,
  scratch: string,
  templateId: string,
  probeBatch: string,
): Promise<{ after: LoadResult[]; emptyBeside: LoadResult[] }> {
  const db = join(scratch, 'preloaded.db');
  const phase = `${o.preload} stored`;
  const seed = await targets.set('ours', await startOurs(db), phase);
  if ((await createTemplate(seed.url)) !== templateId) throw new Error('preload: unexpected template id');
  await targets.stop('ours');
  console.log(`\npreload: ${o.preload} events into a fresh file through SqliteStore.writeEventGroups ...`);
  const started = performance.now();
  const rate = await preload(db, PORTAL_ID, templateId, o.preload, o.poolSize);
  const seconds = (performance.now() - started) / 1000;
  console.log(`preload: ${o.preload} events in ${seconds.toFixed(1)} s (${Math.round(rate)} events/s)`);
  const ours = await targets.set('ours', await startOurs(db), phase);
  await expectCreated('ours', ours.url, BATCH_PATH, probeBatch, ACCESS_TOKEN);
  // The load moves on this shared machine between the empty-database rounds and these: so each
  // round here also measures a server on a fresh file, right before, for the percentage.
  const rounds: LoadResult[] = [];
  const emptyBeside: LoadResult[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const fresh = await startOurs(join(scratch, `beside-${round}.db`));
    try {
      await createTemplate(fresh.url);
      const empty = await scenario.run(fresh.url);
      emptyBeside.push(empty);
      console.log(
        `round ${round}  ${columns(scenario, 'ours')} ${formatResult(empty)}   (empty database, beside)`,
      );
    } finally {
      await fresh.stop();
    }
    const result = await scenario.run(ours.url);
    rounds.push(result);
    console.log(`round ${round}  ${columns(scenario, 'ours')} ${formatResult(result)}   (after ${phase})`);
  }
  console.log(`median   ${columns(scenario, 'ours')} ${formatResult(summarize(rounds))}   (after ${phase})`);
  await targets.stop('ours');
  return { after: rounds, emptyBeside };
}

function summaryLines(
  o: VsPrismOptions,
  list: Scenario[],
  medians: Record<Target, LoadResult>[],
  startups: Startups,
  preloaded: { after: LoadResult[]; emptyBeside: LoadResult[] },
  targets: Targets,
): string[] {
  const store = o.memory ? 'in-memory database (--db :memory:)' : 'SQLite file, durable commits';
  const lines = [`medians of ${o.rounds} round(s) of ${o.duration} s; ours = ${store}`];
  for (const [i, scenario] of list.entries()) {
    const { ours, prism } = medians[i] as Record<Target, LoadResult>;
    const side = (r: LoadResult) =>
      scenario.kind === 'single'
        ? `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`
        : `${Math.round(r.eventsPerSecond)} events/s, p50 ${r.p50} ms, p99 ${r.p99} ms`;
    const ratioText =
      scenario.kind === 'single'
        ? `p50 ${ratio(ours.p50, prism.p50)}`
        : `events/s ${ratio(ours.eventsPerSecond, prism.eventsPerSecond)}, p99 ${ratio(ours.p99, prism.p99)}`;
    lines.push(`${scenario.label}: ours ${side(ours)} | prism ${side(prism)} | ours/prism ${ratioText}`);
  }
  const ms = (list: number[]) =>
    `${Math.round(median(list))} ms (${list.map((v) => Math.round(v)).join(', ')})`;
  lines.push(
    `start-up to first 2xx, median of ${o.starts}: ours ${ms(startups.ours)} | prism ${ms(startups.prism)}`,
  );
  if (preloaded.after.length > 0) {
    const empty = (medians[0] as Record<Target, LoadResult>).ours;
    const beside = summarize(preloaded.emptyBeside);
    const after = summarize(preloaded.after);
    const percent = (of: LoadResult) => ((100 * after.eventsPerSecond) / of.eventsPerSecond).toFixed(0);
    lines.push(
      `${(list[0] as Scenario).label} after ${o.preload} stored events: ours ${Math.round(after.eventsPerSecond)} events/s, p99 ${after.p99} ms = ` +
        `${percent(beside)}% of a fresh file measured beside it, round by round (${Math.round(beside.eventsPerSecond)} events/s); ` +
        `${percent(empty)}% of the empty-database rounds above (${Math.round(empty.eventsPerSecond)} events/s)`,
    );
  }
  lines.push(
    `peak RSS (VmHWM): ours ${targets.describePeaks('ours')} | prism ${targets.describePeaks('prism')}`,
  );
  return lines;
}

function saveResults(data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `vs-prism-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...data }, null, 2)}\n`);
  return file;
}
