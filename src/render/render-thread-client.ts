/**
 * The HTTP thread's side of the render thread (render-thread.ts): a queue of renders handed over,
 * run one at a time, each with a wall-clock backstop. The deterministic bounds (render-budget.ts)
 * keep every render far inside it; should one still run past it (or the thread run out of its
 * memory), the thread is stopped and replaced, and only that render fails.
 *
 * Hand-written rather than a worker-pool library: the backstop must time a render's own run, not
 * its wait in the queue, and stop the thread that runs it (a pool's abort counts from submission).
 */
import { Worker } from 'node:worker_threads';
import { Limits } from '../limits.js';
import type { RenderOutcome } from './render-outcome.js';
import type { RenderReply, RenderRequest } from './render-thread-protocol.js';
import { logTemplateWarning } from './template-engine.js';
import { TemplateRenderError } from './template-render-error.js';

interface Waiting {
  request: RenderRequest;
  resolve: (outcome: RenderOutcome) => void;
  reject: (error: Error) => void;
}

interface Running extends Waiting {
  id: number;
  timer: NodeJS.Timeout;
}

export interface RenderThreadOptions {
  /** The backstop of one render's run. */
  timeoutMs: number;
  /** Renders that may wait; past it a render fails `busy`. */
  maxQueued: number;
  /** The render thread's heap: a render that needs more fails alone (`crashed`). */
  maxHeapMb: number;
  /** The thread's module (render-thread.js); tests give one that can hang. */
  workerUrl: URL;
}

const DEFAULTS: RenderThreadOptions = {
  timeoutMs: Limits.RENDER_TIMEOUT_MS,
  maxQueued: Limits.MAX_QUEUED_RENDERS,
  // A render within its bounds needs a few MB (an event of at most 1 MB, 64 KB of text through
  // Markdown); the rest is the thread's own caches.
  maxHeapMb: 256,
  workerUrl: new URL('./render-thread.js', import.meta.url),
};

export class RenderThread {
  readonly #options: RenderThreadOptions;
  readonly #queue: Waiting[] = [];
  #worker: Worker | undefined;
  /** Whether the current thread has loaded (said `ready`): jobs wait until then. */
  #ready = false;
  #running: Running | undefined;
  #nextId = 1;
  #closed = false;
  /** Threads started so far (a stopped one is replaced on the next render); for tests. */
  started = 0;
  /** Renders handed to a thread so far; for tests. */
  jobs = 0;

  constructor(options: Partial<RenderThreadOptions> = {}) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Renders on the thread with the full limits; rejects with a TemplateRenderError only. */
  render(request: RenderRequest): Promise<RenderOutcome> {
    if (this.#closed) return Promise.resolve(failed('busy', 'was not rendered: the server is stopping'));
    if (this.#queue.length >= this.#options.maxQueued) {
      return Promise.resolve(
        failed('busy', `was not rendered: ${this.#queue.length} renders are waiting already; retry shortly`),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#next();
    });
  }

  /** Stops the thread; renders still waiting fail `busy`. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#queue.splice(0)) {
      waiting.resolve(failed('busy', 'was not rendered: the server is stopping'));
    }
    this.#finish(failed('busy', 'was not rendered: the server is stopping'));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #next(): void {
    if (this.#running !== undefined || this.#closed || this.#queue.length === 0) return;
    const worker = this.#thread();
    if (!this.#ready) return; // `ready` calls this again
    const waiting = this.#queue.shift();
    if (waiting === undefined) return;
    const id = this.#nextId++;
    const seconds = this.#options.timeoutMs / 1000;
    const timer = setTimeout(() => {
      // Past the backstop: the thread is busy with this render and nothing else can stop it.
      this.#replaceThread();
      this.#finish(failed('time', `took longer than ${seconds} seconds to render`));
    }, this.#options.timeoutMs);
    this.#running = { ...waiting, id, timer };
    this.jobs++;
    worker.postMessage({ id, ...waiting.request });
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(this.#options.workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: this.#options.maxHeapMb },
    });
    // An idle render thread never keeps the process alive (a server's listener does that).
    worker.unref();
    worker.on('message', (reply: RenderReply) => this.#settle(worker, reply));
    worker.on('error', (error) => this.#lost(worker, error.message));
    worker.on('exit', (code) => this.#lost(worker, `exit code ${code}`));
    this.#worker = worker;
    this.#ready = false;
    this.started++;
    return worker;
  }

  #settle(worker: Worker, reply: RenderReply): void {
    if ('ready' in reply) {
      if (worker !== this.#worker) return;
      this.#ready = true;
      this.#next();
      return;
    }
    if ('log' in reply) {
      logTemplateWarning(reply.log.level, reply.log.message);
      return;
    }
    const running = this.#running;
    if (running === undefined || reply.id !== running.id) return;
    if ('outcome' in reply) {
      this.#finish(reply.outcome);
      return;
    }
    const { template, kind } = running.request;
    this.#finish(new TemplateRenderError(template.id, template.version, kind, reply.problem));
  }

  /**
   * The thread stopped by itself (out of memory, a crash): the render it ran fails alone. One that
   * stopped before it was ready fails the first render waiting, so a thread that cannot start is
   * not started again and again for the same render.
   */
  #lost(worker: Worker, why: string): void {
    if (worker !== this.#worker) return; // one this client stopped, already accounted for
    this.#worker = undefined;
    const failure = failed('crashed', `stopped the render thread (${why})`);
    if (this.#running !== undefined) {
      this.#finish(failure);
      return;
    }
    this.#queue.shift()?.resolve(failure);
    this.#next();
  }

  #replaceThread(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
  }

  #finish(result: RenderOutcome | Error): void {
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    clearTimeout(running.timer);
    if (result instanceof Error) running.reject(result);
    else running.resolve(result);
    this.#next();
  }
}

function failed(reason: 'time' | 'busy' | 'crashed', message: string): RenderOutcome {
  return { failure: { reason, message } };
}
