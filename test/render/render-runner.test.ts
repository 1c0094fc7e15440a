/**
 * Where renders run (render-runner.ts, render-thread-client.ts): small ones on this thread, giving
 * way to other work between them; the rest on the render thread with the same outcome; the
 * thread's backstop, queue bound and failures each fail one render alone.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Limits } from '../../src/limits.js';
import { RenderRunner } from '../../src/render/render-runner.js';
import { RenderThread } from '../../src/render/render-thread-client.js';
import { type RenderableEvent, Renderer } from '../../src/render/renderer.js';

const threads: RenderThread[] = [];
function thread(options: ConstructorParameters<typeof RenderThread>[0] = {}): RenderThread {
  const made = new RenderThread(options);
  threads.push(made);
  return made;
}
after(() => Promise.all(threads.map((made) => made.close())));

const template = (detailTemplate: string, id = 't') => ({
  id,
  version: 1,
  headerTemplate: '',
  detailTemplate,
});
const event = (extraData: unknown): RenderableEvent => ({ tokens: {}, timestamp: 0, extraData });
const words = (n: number) => ({ items: Array.from({ length: n }, (_, i) => `word${i}`) });
const LIST = '{{#each extraData.items}}- **{{this}}** and [a link](https://x.example/{{this}})\n{{/each}}';

describe('render runner', () => {
  test('a render past the HTTP-thread limits runs on the render thread, with the outcome of the full limits', async () => {
    const renderThread = thread();
    const runner = new RenderRunner(new Renderer(), renderThread);
    const reference = new Renderer();
    // About 50 characters an item: 10 items stay on this thread, 400 go over (20,000 characters).
    for (const [n, onThread] of [
      [10, 0],
      [400, 1],
      [2_000, 2], // over the full output limit: a failure, from the thread
    ] as const) {
      const expected = reference.outcome(template(LIST), event(words(n)), 'detail', 'UTC');
      const actual = await runner.render(template(LIST), event(words(n)), 'detail', 'UTC', `event-${n}`);
      assert.deepEqual(actual, expected, `${n} items`);
      assert.equal(renderThread.jobs, onThread, `${n} items`);
    }
    assert.equal(
      (await runner.render(template(LIST), event(words(2_000)), 'detail', 'UTC', 'event-2000')).failure
        ?.reason,
      'output',
    );
    assert.equal(renderThread.jobs, 2, 'the failure was cached');
  });

  test('a long template is compiled and rendered on the thread only; one render asked twice runs once', async () => {
    const renderThread = thread();
    const runner = new RenderRunner(new Renderer(), renderThread);
    const long = `${'x'.repeat(Limits.HTTP_THREAD_TEMPLATE_CHARS)} {{extraData.v}}`;
    const [first, second] = await Promise.all([
      runner.render(template(long), event({ v: 'y' }), 'detail', 'UTC', 'event-1'),
      runner.render(template(long), event({ v: 'y' }), 'detail', 'UTC', 'event-1'),
    ]);
    assert.equal(first.html, `<p>${'x'.repeat(Limits.HTTP_THREAD_TEMPLATE_CHARS)} y</p>`);
    assert.deepEqual(second, first);
    assert.equal(renderThread.jobs, 1);
  });

  test('a template that cannot be compiled is a template failure, from either thread', async () => {
    const runner = new RenderRunner(new Renderer(), thread());
    const broken = '{{#each}}x{{/each}}';
    const here = await runner.render(template(broken), event({}), 'detail', 'UTC', 'event-1');
    const there = await runner.render(
      template(`${broken}${' '.repeat(Limits.HTTP_THREAD_TEMPLATE_CHARS)}`, 'long'),
      event({}),
      'detail',
      'UTC',
      'event-2',
    );
    for (const outcome of [here, there]) {
      assert.equal(outcome.failure?.reason, 'template');
      assert.match(outcome.failure?.message ?? '', /^cannot be rendered: .*"each" takes exactly 1 argument/);
    }
  });

  test('renders on this thread give way to other work between them', async () => {
    // The full pipeline on every render (no shapes): a few ms of Markdown each, on this thread.
    const renderThread = thread();
    const runner = new RenderRunner(new Renderer({ shapes: false }), renderThread);
    let ticks = 0;
    let lastTick = performance.now();
    let longestGap = 0;
    const tick = () => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
      ticks++;
      timer = setTimeout(tick, 0);
    };
    let timer = setTimeout(tick, 0);
    const started = performance.now();
    lastTick = started;
    for (let i = 0; i < 80; i++) {
      // 15 items: about 800 characters, within the HTTP-thread limits.
      const outcome = await runner.render(template(LIST), event(words(15)), 'detail', 'UTC', `event-${i}`);
      assert.ok(outcome.html !== undefined);
    }
    const total = performance.now() - started;
    clearTimeout(timer);
    assert.equal(renderThread.jobs, 0, 'every render ran on this thread');
    // Without giving way, no timer would run until all 80 renders were done.
    assert.ok(ticks >= 3, `${ticks} timer runs in ${total.toFixed(0)} ms of renders`);
    assert.ok(longestGap < total / 2, `longest wait ${longestGap.toFixed(0)} ms of ${total.toFixed(0)} ms`);
  });
});

describe('render thread', () => {
  test('a render past the backstop fails alone; the thread is replaced and the next render works', async () => {
    const renderThread = thread({
      timeoutMs: 300,
      workerUrl: new URL('./fixtures/hanging-render-thread.js', import.meta.url),
    });
    const hang = {
      template: template('x', 'hang'),
      event: event({}),
      kind: 'detail' as const,
      timeZone: 'UTC',
    };
    const started = performance.now();
    const stopped = await renderThread.render(hang);
    assert.deepEqual(stopped, {
      failure: { reason: 'time', message: 'took longer than 0.3 seconds to render' },
    });
    assert.ok(performance.now() - started < 5_000);
    const next = await renderThread.render({
      template: template('ok {{extraData.v}}'),
      event: event({ v: 1 }),
      kind: 'detail',
      timeZone: 'UTC',
    });
    assert.deepEqual(next, { html: '<p>ok 1</p>' });
    assert.equal(renderThread.started, 2);
  });

  test('renders past the queue bound fail busy at once; closing fails those waiting', async () => {
    const renderThread = thread({ maxQueued: 1 });
    // The thread is still starting when these are asked: the first waits, the second finds the queue full.
    const request = { template: template('x'), event: event({}), kind: 'detail' as const, timeZone: 'UTC' };
    const first = renderThread.render(request);
    const second = await renderThread.render(request);
    assert.equal(second.failure?.reason, 'busy');
    assert.match(second.failure?.message ?? '', /1 renders are waiting already/);
    await renderThread.close();
    assert.equal((await first).failure?.reason, 'busy');
  });

  test('a thread that stops by itself (out of its memory) fails the render alone', async () => {
    const renderThread = thread({ maxHeapMb: 1 });
    const outcome = await renderThread.render({
      template: template('x'),
      event: event({}),
      kind: 'detail',
      timeZone: 'UTC',
    });
    assert.equal(outcome.failure?.reason, 'crashed');
    assert.match(outcome.failure?.message ?? '', /^stopped the render thread/);
  });
});
