/**
 * Rendering benchmark: renders per second of a header and a detail template (HubSpot's documented
 * example) through the full pipeline (cached Handlebars, Markdown, URL checks, sanitiser), against
 * the reference of bare Handlebars on the same template and data (no Markdown, no sanitising), in
 * the same run. Prints the median of --rounds rounds of --seconds each, the cases alternating
 * within each round. "cold" renders give no event key, so nothing comes from the rendered-HTML
 * cache: they run Handlebars every time, and the Markdown step from the template's cached shape
 * (src/render/shape-render.ts). "cold, full pipeline" is the same renderer with shapes
 * off (`new Renderer({ shapes: false })`): Handlebars, Markdown and sanitiser on every render, the
 * pipeline before the shape cache. "cached" renders name the event (the HTML of a stored event is
 * cached per event and template version), so after the first of each they are hits.
 *
 *   npm run build && node dist/bench/render.js [--seconds 2] [--rounds 5]
 */
import Handlebars from 'handlebars';
import { Renderer } from '../src/render/renderer.js';
import { benchArgs } from './lib/args.js';
import { events, template } from './lib/render-fixture.js';

const args = benchArgs(
  import.meta.url,
  'Rendering: renders/s of headers and details, cold and cached, against bare Handlebars.',
  { seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' } },
);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);

function perSecond(render: (i: number) => string): number {
  let count = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) render(count + i);
    count += 100;
  }
  return count / ((performance.now() - started) / 1000);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const renderer = new Renderer();
const fullPipeline = new Renderer({ shapes: false });
// Both renderers must give the same HTML (the differential test checks this at large).
for (const event of events) {
  for (const kind of ['header', 'detail'] as const) {
    const fast = renderer.render(template, event, kind, 'America/New_York');
    const full = fullPipeline.render(template, event, kind, 'America/New_York');
    if (fast !== full) throw new Error(`different HTML for ${kind}:\n${fast}\n${full}`);
  }
}
const bare = Handlebars.create();
const bareHeader = bare.compile(template.headerTemplate);
const bareDetail = bare.compile(
  template.detailTemplate.replace('{{#formatDate timestamp}}{{/formatDate}}', '{{timestamp}}'),
);
/** Renders event `i % 100` as `kind`; `cached` passes its key, so the renderer may keep the output. */
const ours =
  (by: Renderer, kind: 'header' | 'detail', cached: boolean) =>
  (i: number): string =>
    by.render(
      template,
      events[i % 100] as (typeof events)[0],
      kind,
      'America/New_York',
      cached ? `event-${i % 100}` : undefined,
    );
const cases: [string, (i: number) => string][] = [
  ['header, cold', ours(renderer, 'header', false)],
  ['detail, cold', ours(renderer, 'detail', false)],
  ['header, cold, full pipeline', ours(fullPipeline, 'header', false)],
  ['detail, cold, full pipeline', ours(fullPipeline, 'detail', false)],
  ['header, cached (same 100 events)', ours(renderer, 'header', true)],
  ['detail, cached (same 100 events)', ours(renderer, 'detail', true)],
  ['reference header (bare Handlebars)', (i) => bareHeader({ ...events[i % 100]?.tokens })],
  ['reference detail (bare Handlebars)', (i) => bareDetail(events[i % 100])],
];

const results = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, render] of cases) results.set(name, [...(results.get(name) ?? []), perSecond(render)]);
}
console.log(
  `render: median of ${rounds} rounds of ${seconds} s (compiled templates cached; ${renderer.compileCount} compiles; ` +
    `${renderer.shapeCount} of ${renderer.renderCount} renders from a cached shape)`,
);
for (const [name, values] of results)
  console.log(`${name.padEnd(36)} ${Math.round(median(values)).toString().padStart(9)} renders/s`);
const ratio = (a: string, b: string) =>
  (median(results.get(a) ?? []) / median(results.get(b) ?? [])).toFixed(2);
console.log(
  `ratio cold/cold full pipeline: header ${ratio('header, cold', 'header, cold, full pipeline')}, detail ${ratio('detail, cold', 'detail, cold, full pipeline')}`,
);
console.log(
  `ratio cold/bare: header ${ratio('header, cold', 'reference header (bare Handlebars)')}, detail ${ratio('detail, cold', 'reference detail (bare Handlebars)')}; ` +
    `cached/cold: header ${ratio('header, cached (same 100 events)', 'header, cold')}, detail ${ratio('detail, cached (same 100 events)', 'detail, cold')}`,
);
