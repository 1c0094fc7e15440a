/**
 * bench/render.ts's cases on two builds in one process, alternating case by case: this build's
 * Renderer and the one of another build's `dist` (`--baseline`, e.g. the branch's starting commit
 * built in a copy). Figures are renders per CPU second of the process (`process.cpuUsage`), not per
 * wall second: on a shared machine the wall clock counts the time spent waiting for a core, which
 * swamps a difference of a few percent. Prints the medians of each build and the median of the
 * per-round ratios (this build / baseline).
 *
 *   git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ &&
 *     (cd /tmp/base && npx tsc -p tsconfig.json)
 *   npm run build && node dist/bench/render-compare.js --baseline /tmp/base/dist [--seconds 1] [--rounds 12]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type RenderableEvent, type RenderableTemplate, Renderer } from '../src/render/renderer.js';
import { benchArgs } from './lib/args.js';
import { events, template } from './lib/render-fixture.js';

const args = benchArgs(
  import.meta.url,
  'Rendering, this build against another build, renders per CPU second, alternating case by case.',
  {
    baseline: { type: 'string' },
    seconds: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '12' },
  },
);
if (args.baseline === undefined) {
  console.error('render-compare.js: --baseline <another build dist folder> is required');
  process.exit(2);
}
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);

type RenderFn = (
  template: RenderableTemplate,
  event: RenderableEvent,
  kind: 'header' | 'detail',
  timeZone: string,
  eventKey?: string,
) => string;
interface Build {
  shapes: { render: RenderFn };
  full: { render: RenderFn };
}

const baselineUrl = pathToFileURL(join(resolve(args.baseline), 'src/render/renderer.js')).href;
const Baseline = (
  (await import(baselineUrl)) as { Renderer: new (options?: { shapes?: boolean }) => Build['shapes'] }
).Renderer;

/** Renders per CPU second of this process. */
function perCpuSecond(render: (i: number) => string): number {
  let count = 0;
  const deadline = performance.now() + seconds * 1000;
  const before = process.cpuUsage();
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) render(count + i);
    count += 100;
  }
  const used = process.cpuUsage(before);
  return count / ((used.user + used.system) / 1e6);
}

const builds: Record<'baseline' | 'this', Build> = {
  baseline: { shapes: new Baseline(), full: new Baseline({ shapes: false }) },
  this: { shapes: new Renderer(), full: new Renderer({ shapes: false }) },
};
for (const kind of ['header', 'detail'] as const) {
  for (const event of events) {
    const a = builds.baseline.shapes.render(template, event, kind, 'America/New_York');
    const b = builds.this.shapes.render(template, event, kind, 'America/New_York');
    if (a !== b) throw new Error(`the builds render ${kind} differently:\n${a}\n${b}`);
  }
}

const event = (i: number) => events[i % 100] as (typeof events)[0];
const cases = (build: Build): [string, (i: number) => string][] => [
  ['header, cold', (i) => build.shapes.render(template, event(i), 'header', 'America/New_York')],
  ['detail, cold', (i) => build.shapes.render(template, event(i), 'detail', 'America/New_York')],
  ['header, cold, full pipeline', (i) => build.full.render(template, event(i), 'header', 'America/New_York')],
  ['detail, cold, full pipeline', (i) => build.full.render(template, event(i), 'detail', 'America/New_York')],
  [
    'header, cached',
    (i) => build.shapes.render(template, event(i), 'header', 'America/New_York', `e${i % 100}`),
  ],
  [
    'detail, cached',
    (i) => build.shapes.render(template, event(i), 'detail', 'America/New_York', `e${i % 100}`),
  ],
];

const baselineCases = cases(builds.baseline);
const thisCases = cases(builds.this);
const results = new Map<string, { baseline: number[]; this: number[] }>();
for (let round = 0; round < rounds; round++) {
  baselineCases.forEach(([name, baselineRender], c) => {
    const thisRender = (thisCases[c] as [string, (i: number) => string])[1];
    const entry = results.get(name) ?? { baseline: [], this: [] };
    // Which build goes first alternates from round to round.
    if (round % 2 === 0) {
      entry.baseline.push(perCpuSecond(baselineRender));
      entry.this.push(perCpuSecond(thisRender));
    } else {
      entry.this.push(perCpuSecond(thisRender));
      entry.baseline.push(perCpuSecond(baselineRender));
    }
    results.set(name, entry);
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(
  `render-compare: renders per CPU second, median of ${rounds} rounds of ${seconds} s; baseline ${args.baseline}`,
);
console.log(
  `${'case'.padEnd(30)} ${'baseline'.padStart(10)} ${'this'.padStart(10)}  this/baseline (median of rounds)`,
);
for (const [name, { baseline, this: ours }] of results) {
  const ratio = median(ours.map((value, i) => value / (baseline[i] as number)));
  console.log(
    `${name.padEnd(30)} ${Math.round(median(baseline)).toString().padStart(10)} ${Math.round(median(ours)).toString().padStart(10)}  ${ratio.toFixed(3)}`,
  );
}
