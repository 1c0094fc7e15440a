/**
 * Where a stored event's render runs. The HTTP thread answers from the rendered-HTML cache, and
 * renders what stays small: within the HTTP-thread limits (a few KB of text, a few thousand steps)
 * and with a short template, which is nearly every render. Anything past them is handed to the
 * render thread (render-thread-client.ts), which renders it again with the full limits; its
 * outcome, HTML or failure, is cached like any other. The outcome does not depend on where it was
 * rendered: a render within the small limits is within the full ones too, with the same HTML.
 *
 * A page of many renders gives way to other requests between them: once renders have held the
 * HTTP thread for SLICE_MS in one turn of the event loop, the next one waits for the next turn.
 */
import { Limits } from '../limits.js';
import type { RenderLimits } from './render-budget.js';
import type { RenderFailure, RenderOutcome } from './render-outcome.js';
import type { RenderThread } from './render-thread-client.js';
import type { RenderableEvent, RenderableTemplate, Renderer, TemplateKind } from './renderer.js';
import { TemplateRenderError } from './template-render-error.js';

const HTTP_THREAD_LIMITS: RenderLimits = {
  outputChars: Limits.HTTP_THREAD_RENDER_OUTPUT_CHARS,
  steps: Limits.HTTP_THREAD_RENDER_STEPS,
};

/**
 * Rendering on the HTTP thread gives way to other requests after this long in one turn of the event
 * loop. With one render at most a few milliseconds there, a request waits about this much plus one
 * render behind a page being rendered.
 */
const SLICE_MS = 10;

/** When the renders of the current turn of the event loop started (undefined: none yet). */
let sliceStart: number | undefined;

async function giveWayIfBusy(): Promise<void> {
  if (sliceStart === undefined) {
    sliceStart = performance.now();
    setImmediate(() => {
      sliceStart = undefined;
    });
    return;
  }
  if (performance.now() - sliceStart < SLICE_MS) return;
  // Called from an I/O callback, one setImmediate resumes in the same turn's check phase, before
  // any other request is read; the second resumes after the next turn's poll phase.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export class RenderRunner {
  /** Renders handed to the render thread and not answered yet, by event key: asked twice, run once. */
  readonly #handedOver = new Map<string, Promise<RenderOutcome>>();

  constructor(
    private readonly renderer: Renderer,
    private readonly thread: RenderThread,
  ) {}

  /**
   * The outcome of a stored event's render (`eventKey` names it, as for Renderer.render). A
   * template that cannot be compiled (stored before a rule refused it) is a `template` failure.
   */
  async render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    eventKey: string,
  ): Promise<RenderOutcome> {
    const cached = this.renderer.cached(template, kind, timeZone, eventKey);
    if (cached !== undefined) return cached;
    try {
      return await this.#render(template, event, kind, timeZone, eventKey);
    } catch (err) {
      if (!(err instanceof TemplateRenderError)) throw err;
      const failure: RenderFailure = { reason: 'template', message: `cannot be rendered: ${err.reason}` };
      return { failure };
    }
  }

  /**
   * The outcome of a render of an event that is not stored (a template's preview): bounded and on
   * the render thread when large, as every render, but never cached.
   */
  async renderOnce(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
  ): Promise<RenderOutcome> {
    try {
      return await this.#render(template, event, kind, timeZone, undefined);
    } catch (err) {
      if (!(err instanceof TemplateRenderError)) throw err;
      return { failure: { reason: 'template', message: `cannot be rendered: ${err.reason}` } };
    }
  }

  /** Stops the render thread (the server is stopping). */
  close(): Promise<void> {
    return this.thread.close();
  }

  async #render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    /** The stored event's key, under which the outcome is cached; undefined: not cached. */
    eventKey: string | undefined,
  ): Promise<RenderOutcome> {
    const source = kind === 'header' ? template.headerTemplate : template.detailTemplate;
    // Compiling is the costly part of a first render (Limits.HTTP_THREAD_TEMPLATE_CHARS says how
    // costly): a long template is compiled, and its events rendered, on the render thread.
    if (source.length <= Limits.HTTP_THREAD_TEMPLATE_CHARS) {
      await giveWayIfBusy();
      const here = this.renderer.attempt(template, event, kind, timeZone, HTTP_THREAD_LIMITS);
      if (here.failure === undefined) {
        if (eventKey !== undefined) this.renderer.remember(template, kind, timeZone, eventKey, here);
        return here;
      }
    }
    if (eventKey === undefined)
      return this.thread.render({ template, event: renderable(event), kind, timeZone });
    const key = `${eventKey}\u0000${template.version}\u0000${kind}\u0000${timeZone}`;
    let pending = this.#handedOver.get(key);
    if (pending === undefined) {
      pending = this.thread.render({ template, event: renderable(event), kind, timeZone });
      this.#handedOver.set(key, pending);
      const forget = () => this.#handedOver.delete(key);
      pending.then(forget, forget);
    }
    const outcome = await pending;
    const reason = outcome.failure?.reason;
    const ttl = reason === 'time' || reason === 'crashed' ? Limits.RENDER_TIME_FAILURE_TTL_MS : undefined;
    this.renderer.remember(template, kind, timeZone, eventKey, outcome, ttl);
    return outcome;
  }
}

/** Only what a render reads crosses to the thread (a stored event holds more). */
function renderable(event: RenderableEvent): RenderableEvent {
  const copy: RenderableEvent = { tokens: event.tokens, timestamp: event.timestamp };
  if (event.extraData !== undefined) copy.extraData = event.extraData;
  if (event.id !== undefined) copy.id = event.id;
  if (event.objectType !== undefined) copy.objectType = event.objectType;
  return copy;
}
