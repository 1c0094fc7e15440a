/**
 * Every render is bounded (src/render/render-budget.ts): the output and the steps of the
 * Handlebars step are counted, a render over either fails with the same outcome on every path
 * (template shapes or the full pipeline), and the failure is cached like HTML.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RenderLimits } from '../../src/render/render-budget.js';
import { RENDER_LIMITS, type RenderableEvent, Renderer } from '../../src/render/renderer.js';
import { RenderLimitError } from '../../src/render/template-render-error.js';

const template = (detailTemplate: string, id = detailTemplate) => ({
  id,
  version: 1,
  headerTemplate: '',
  detailTemplate,
});
const event = (extraData: unknown, tokens: Record<string, string> = {}): RenderableEvent => ({
  tokens,
  timestamp: 1580408005000,
  extraData,
});

/** The outcome on both paths (shapes, full pipeline), which must agree. */
function outcomeBoth(detailTemplate: string, data: RenderableEvent, limits: RenderLimits) {
  const shapes = new Renderer({ limits }).outcome(template(detailTemplate), data, 'detail', 'UTC');
  const full = new Renderer({ limits, shapes: false }).outcome(
    template(detailTemplate),
    data,
    'detail',
    'UTC',
  );
  assert.deepEqual(shapes, full, 'template shapes and the full pipeline agree');
  return shapes;
}

const items = (n: number) => ({ items: Array.from({ length: n }, (_, i) => i % 10) });

describe('render bounds', () => {
  test('output: exactly at the limit renders, one character more fails (in a loop and outside)', () => {
    const loop = '{{#each extraData.items}}{{this}}-{{/each}}';
    // 50 items of one digit and a dash: 100 characters.
    assert.equal(outcomeBoth(loop, event(items(50)), { outputChars: 100, steps: 1000 }).html?.length, 107);
    assert.deepEqual(outcomeBoth(loop, event(items(50)), { outputChars: 99, steps: 1000 }), {
      failure: { reason: 'output', message: 'renders more than 99 characters' },
    });
    // Text outside any loop counts too (when the run is over).
    const text = 'x'.repeat(120);
    assert.equal(outcomeBoth(text, event({}), { outputChars: 120, steps: 10 }).html, `<p>${text}</p>`);
    assert.equal(outcomeBoth(text, event({}), { outputChars: 119, steps: 10 }).failure?.reason, 'output');
    // A value counts as Handlebars escapes it: `&` is 5 characters.
    const value = '{{extraData.v}}';
    assert.equal(
      outcomeBoth(value, event({ v: '&&' }), { outputChars: 10, steps: 10 }).html,
      '<p>&amp;&amp;</p>',
    );
    assert.equal(
      outcomeBoth(value, event({ v: '&&' }), { outputChars: 9, steps: 10 }).failure?.reason,
      'output',
    );
  });

  test('steps: values, block helpers and iterations; a loop that writes nothing is bounded too', () => {
    const filter = '{{#each extraData.items}}{{#if false}}x{{/if}}{{/each}}';
    // 1 (#each) + 100 x (iteration + #if) = 201 steps.
    assert.equal(outcomeBoth(filter, event(items(100)), { outputChars: 10, steps: 201 }).html, '');
    assert.deepEqual(outcomeBoth(filter, event(items(100)), { outputChars: 10, steps: 200 }), {
      failure: {
        reason: 'steps',
        message: 'takes more than 200 steps (values, block helpers and #each iterations)',
      },
    });
    // A formatDate counts 20 (it costs about that many lookups).
    const dates = '{{#each extraData.items}}{{#if (formatDate this)}}{{/if}}{{/each}}';
    assert.equal(outcomeBoth(dates, event(items(10)), { outputChars: 10, steps: 1 + 10 * 22 }).html, '');
    assert.equal(
      outcomeBoth(dates, event(items(10)), { outputChars: 10, steps: 10 * 22 }).failure?.reason,
      'steps',
    );
  });

  test('HTML: Markdown that makes far more HTML than text fails past the HTML limit', () => {
    const table = '|a|b|c|\n|-|-|-|\n{{#each extraData.items}}|1|2|3|\n{{/each}}';
    const limits = { outputChars: 100_000, steps: 100_000, htmlChars: 10_000 };
    // 200 rows: 1,616 characters of text, 7,884 of HTML; 300 rows: 11,784.
    assert.equal(outcomeBoth(table, event(items(200)), limits).html?.length, 7_884);
    assert.deepEqual(outcomeBoth(table, event(items(300)), limits), {
      failure: { reason: 'html', message: 'renders more than 10,000 characters of HTML' },
    });
  });

  test("the issue's two renders fail fast with the full limits", () => {
    const crossed =
      '{{#each extraData.items}}{{#each ../extraData.items}}{{#each ../../extraData.items}}.{{/each}}{{/each}}{{/each}}';
    const limits = RENDER_LIMITS;
    let started = performance.now();
    assert.equal(outcomeBoth(crossed, event(items(250)), limits).failure?.reason, 'output');
    const crossedMs = performance.now() - started;
    const big = event({ a: Array.from({ length: 1200 }, () => 1), big: 'x'.repeat(400_000) });
    started = performance.now();
    assert.equal(
      outcomeBoth('{{#each extraData.a}}{{@root.extraData.big}}{{/each}}', big, limits).failure?.reason,
      'output',
    );
    const bigMs = performance.now() - started;
    // Unbounded, they took 8.8 s and 25 s (and 4.1 GB); bounded, a few tens of ms on a quiet machine.
    assert.ok(crossedMs < 2_000 && bigMs < 2_000, `${crossedMs.toFixed(0)} ms and ${bigMs.toFixed(0)} ms`);
  });

  test('a failure is cached like HTML: render() throws it again without rendering', () => {
    const renderer = new Renderer({ limits: { outputChars: 10, steps: 100 } });
    const over = template('{{#each extraData.items}}{{this}}{{/each}}');
    const render = () => renderer.render(over, event(items(20)), 'detail', 'UTC', 'event-1');
    assert.throws(render, (err: unknown) => {
      assert.ok(err instanceof RenderLimitError);
      assert.deepEqual(err.failure, { reason: 'output', message: 'renders more than 10 characters' });
      assert.match(
        err.message,
        /Cannot render the detail template of event template .* it renders more than 10/,
      );
      return true;
    });
    const rendered = renderer.renderCount;
    assert.throws(render, RenderLimitError);
    assert.equal(renderer.renderCount, rendered, 'answered from the cache');
    // Another version of the template renders afresh.
    assert.equal(
      renderer.render({ ...over, version: 2, detailTemplate: 'ok' }, event({}), 'detail', 'UTC', 'event-1'),
      '<p>ok</p>',
    );
  });

  test('a failure decided by the clock is remembered for a while only', () => {
    const renderer = new Renderer();
    const stored = template('{{extraData.x}}');
    const failure = {
      failure: { reason: 'time' as const, message: 'took longer than 10 seconds to render' },
    };
    renderer.remember(stored, 'detail', 'UTC', 'event-2', failure, 60_000);
    assert.deepEqual(renderer.cached(stored, 'detail', 'UTC', 'event-2'), failure);
    renderer.remember(stored, 'detail', 'UTC', 'event-3', failure, -1);
    assert.equal(renderer.cached(stored, 'detail', 'UTC', 'event-3'), undefined);
    // `busy` is never remembered: it says nothing about the event.
    renderer.remember(stored, 'detail', 'UTC', 'event-4', { failure: { reason: 'busy', message: 'x' } });
    assert.equal(renderer.cached(stored, 'detail', 'UTC', 'event-4'), undefined);
  });

  test('a template stored before crossed loops were refused still renders, within its bounds', () => {
    const stored =
      '{{#each extraData.items}}{{#each ../extraData.items}}{{#each ../../extraData.items}}{{this}}{{/each}}{{/each}}{{/each}}';
    // (What Handlebars itself puts out for these paths.)
    assert.equal(
      outcomeBoth(stored, event(items(3)), { outputChars: 100, steps: 100 }).html,
      `<p>${'012'.repeat(6)}</p>`,
    );
    assert.equal(
      outcomeBoth(stored, event(items(250)), { outputChars: 100, steps: 100_000 }).failure?.reason,
      'output',
    );
  });
});
