/**
 * The slowest renders within the bounds (src/limits.ts): what MAX_RENDER_OUTPUT_CHARS and
 * MAX_RENDER_STEPS allow at most. Each case is a template and an event that put out just under the
 * output limit of text the Markdown step is slowest on (nested brackets, tables, lists, emphasis),
 * or run up to the step limit without output (`#if` filters, `formatDate`); the time is the whole
 * render (Handlebars, Markdown, sanitiser) with the full limits, as the render thread runs it, the
 * best of --repeat. RENDER_TIMEOUT_MS must stay far above the slowest, and the HTTP-thread limits
 * are measured the same way (`--http-thread`).
 *
 *   npm run build && node dist/bench/render-worst.js [--repeat 3] [--http-thread]
 */
import { Limits } from '../src/limits.js';
import { RENDER_LIMITS, type RenderableEvent, Renderer } from '../src/render/renderer.js';
import { benchArgs } from './lib/args.js';

const args = benchArgs(import.meta.url, 'Rendering: the slowest renders the bounds allow.', {
  repeat: { type: 'string', default: '3' },
  'http-thread': { type: 'boolean', default: false },
});
const limits = args['http-thread']
  ? { outputChars: Limits.HTTP_THREAD_RENDER_OUTPUT_CHARS, steps: Limits.HTTP_THREAD_RENDER_STEPS }
  : RENDER_LIMITS;

/** A unit of text repeated by an `#each` up to just under the output limit. */
const UNITS: [string, string][] = [
  ['nested brackets', '['],
  ['image brackets', '!['],
  ['emphasis runs', '*_'],
  ['emphasis in links', '*[a*](b) '],
  ['table rows', '|1|2|3|\n'],
  ['nested lists', '- a\n  - b\n'],
  ['headings', '# a\n'],
  ['code spans', '`a'],
  ['raw HTML blocks', '<div>a</div>\n\n'],
  ['links', '[a](https://x.example/a) '],
  ['plain lines', 'word word word word\n'],
];

function repeated(unit: string): { template: string; event: RenderableEvent } {
  const prefix = unit.startsWith('|') ? '|a|b|c|\n|-|-|-|\n' : '';
  const count = Math.floor((limits.outputChars - prefix.length) / unit.length);
  return {
    template: `${prefix}{{#each extraData.items}}${unit.replace(/[{}]/g, '')}{{/each}}`,
    event: { tokens: {}, timestamp: 0, extraData: { items: Array.from({ length: count }, () => 0) } },
  };
}

const stepCases: [string, string][] = [
  ['#if filter, no output', '{{#each extraData.items}}{{#if false}}x{{/if}}{{/each}}'],
  [
    'formatDate in a filter',
    '{{#each extraData.items}}{{#if (formatDate this format="full")}}{{/if}}{{/each}}',
  ],
  [
    'nested #if',
    '{{#each extraData.items}}{{#if this}}{{#if this}}{{#if this}}{{/if}}{{/if}}{{/if}}{{/each}}',
  ],
];
const manyItems: RenderableEvent = {
  tokens: {},
  timestamp: 0,
  extraData: { items: Array.from({ length: 300_000 }, (_, i) => 1580408005000 + i) },
};

const repeat = Number(args.repeat);
function slowest(name: string, template: string, event: RenderableEvent): void {
  let best = Number.POSITIVE_INFINITY;
  let outcome = '';
  for (let r = 0; r < repeat; r++) {
    // A new renderer each time: nothing cached (compiled template, shapes).
    const renderer = new Renderer({ limits });
    const started = performance.now();
    const result = renderer.outcome(
      { id: name, version: r, headerTemplate: '', detailTemplate: template },
      event,
      'detail',
      'UTC',
    );
    best = Math.min(best, performance.now() - started);
    outcome = result.failure
      ? `fails: ${result.failure.message}`
      : `${result.html.length} characters of HTML`;
  }
  console.log(`${name.padEnd(28)} ${best.toFixed(1).padStart(8)} ms  ${outcome}`);
}

console.log(
  `render-worst: best of ${repeat}, limits ${limits.outputChars} characters and ${limits.steps} steps` +
    `${args['http-thread'] ? ' (the HTTP thread)' : ''}`,
);
for (const [name, unit] of UNITS) {
  const { template, event } = repeated(unit);
  slowest(name, template, event);
}
for (const [name, template] of stepCases) slowest(name, template, manyItems);
