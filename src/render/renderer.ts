/**
 * The renderer of timeline templates: a template source and an event to HubSpot's HTML, in three
 * steps (Handlebars with HubSpot's helpers only, Markdown without raw HTML, then the URL and tag
 * whitelists), every step counted against the render's bounds. It keeps three caches: compiled
 * templates by source, template shapes (shape-render.ts), and rendered outcomes by stored event.
 */
import { LRUCache } from 'lru-cache';
import { Limits } from '../limits.js';
import { boundedTemplate } from './bounded-template.js';
import {
  checkHtml,
  checkOutput,
  RenderLimitExceeded,
  type RenderLimits,
  withinBudget,
} from './render-budget.js';
import { renderMarkdown } from './render-markdown.js';
import type { RenderOutcome } from './render-outcome.js';
import { ShapeCache, shapeableSource, splitMarked } from './shape-render.js';
import { checkTemplateSource } from './template-check.js';
import { RenderLimitError, TemplateRenderError } from './template-render-error.js';
import { markedTemplate, runMarked } from './value-marking.js';

// The renderer's public face for the domain (the architecture test lets it import only this file).
export type { FailureReason, RenderFailure, RenderOutcome } from './render-outcome.js';
export { RenderLimitError, TemplateRenderError } from './template-render-error.js';

export type TemplateKind = 'header' | 'detail';

export interface RenderableTemplate {
  id: string;
  version: string | number;
  headerTemplate: string;
  detailTemplate: string;
}

export interface RenderableEvent {
  tokens: Record<string, string>;
  timestamp: number;
  extraData?: unknown;
  /** The event's id and object type, which HubSpot's docs show rendering as `{{id}}` and `{{objectType}}`. */
  id?: string;
  objectType?: string;
}

type TemplateFunction = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

type CompiledTemplate =
  | { source: string; run: TemplateFunction; marked: TemplateFunction | undefined; problem?: undefined }
  | { source: string; run?: undefined; problem: string };

const DEFAULT_CACHE_SIZE = 1000;
/** Rendered headers and details kept: about 200-500 bytes each, a few MB in all. */
const DEFAULT_RENDERED_CACHE_SIZE = 10_000;
/**
 * ... and at most this many characters of them: a render's HTML may be up to MAX_RENDER_HTML_CHARS,
 * so the entry count alone would not bound the memory.
 */
const RENDERED_CACHE_CHARS = 32 * 1024 * 1024;
/** Template shapes kept (shape-render.ts): a few per template, each about its HTML's size. */
const DEFAULT_SHAPE_CACHE_SIZE = 5_000;
/** ... and at most this many characters of shapes and their HTML (a shape is as long as its text). */
const SHAPE_CACHE_CHARS = 32 * 1024 * 1024;

/** The full limits of a render (src/limits.ts). */
export const RENDER_LIMITS: RenderLimits = {
  outputChars: Limits.MAX_RENDER_OUTPUT_CHARS,
  steps: Limits.MAX_RENDER_STEPS,
  htmlChars: Limits.MAX_RENDER_HTML_CHARS,
};

/**
 * A render's outcome and the source it came from (a source changed without a new version misses).
 * `expiresAt`: a failure the machine's load decided (`time`) is remembered for a while only.
 */
interface RenderedEntry {
  source: string;
  outcome: RenderOutcome;
  expiresAt?: number;
}

/**
 * Renders timeline event templates the way HubSpot does: Handlebars, then Markdown, to HTML.
 * Compiled templates are kept in an LRU cache keyed by (template id, version, header/detail), so
 * an updated template (new version) is compiled afresh while old versions age out. The outcome of
 * an event given with an `eventKey` is kept too, keyed by that event, the template version, the
 * kind and the time zone: events never change once stored, and a template update bumps its version.
 *
 * Every render is bounded (render-budget.ts): past its limits it fails with a RenderLimitError
 * (`render`) or a failed outcome (`outcome`, `attempt`), remembered like HTML.
 */
export class Renderer {
  readonly #cache: LRUCache<string, CompiledTemplate>;
  readonly #rendered: LRUCache<string, RenderedEntry>;
  readonly #shapes: ShapeCache | undefined;
  readonly #limits: RenderLimits;
  #compileCount = 0;
  #renderCount = 0;

  /**
   * `shapes: false` runs the Markdown step on every render (the pipeline before the shape cache): the reference of the differential test and of bench/render.ts. `limits`: the bounds of
   * `render` and `outcome` (RENDER_LIMITS unless given).
   */
  constructor(options?: {
    cacheSize?: number;
    renderedCacheSize?: number;
    shapes?: boolean;
    limits?: RenderLimits;
  }) {
    this.#cache = new LRUCache({ max: options?.cacheSize ?? DEFAULT_CACHE_SIZE });
    this.#rendered = new LRUCache({
      max: options?.renderedCacheSize ?? DEFAULT_RENDERED_CACHE_SIZE,
      maxSize: RENDERED_CACHE_CHARS,
      sizeCalculation: (entry, key) =>
        key.length + (entry.outcome.html?.length ?? entry.outcome.failure?.message.length ?? 0) + 1,
    });
    this.#shapes =
      options?.shapes === false ? undefined : new ShapeCache(DEFAULT_SHAPE_CACHE_SIZE, SHAPE_CACHE_CHARS);
    this.#limits = options?.limits ?? RENDER_LIMITS;
  }

  /** How many renders were answered from a cached template shape (shape-render.ts); for tests. */
  get shapeCount(): number {
    return this.#shapes?.hits ?? 0;
  }

  /** How many renders ran the pipeline (not answered from the rendered cache); for tests and metrics. */
  get renderCount(): number {
    return this.#renderCount;
  }

  /** How many template sources this renderer has compiled (cache misses); for tests and metrics. */
  get compileCount(): number {
    return this.#compileCount;
  }

  /**
   * HTML for one event; an empty or missing template source renders as ''. `eventKey` names the
   * stored event (unique across portals and templates): its outcome is cached under it. A render
   * over its limits throws a RenderLimitError (cached too).
   */
  render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    eventKey?: string,
  ): string {
    const outcome = this.outcome(template, event, kind, timeZone, eventKey);
    if (outcome.failure !== undefined) {
      throw new RenderLimitError(template.id, template.version, kind, outcome.failure);
    }
    return outcome.html;
  }

  /** As `render`, answering a render over its limits as a failed outcome instead of throwing. */
  outcome(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    eventKey?: string,
  ): RenderOutcome {
    if (eventKey !== undefined) {
      const cached = this.cached(template, kind, timeZone, eventKey);
      if (cached !== undefined) return cached;
    }
    const outcome = this.attempt(template, event, kind, timeZone, this.#limits);
    if (eventKey !== undefined) this.remember(template, kind, timeZone, eventKey, outcome);
    return outcome;
  }

  /** The remembered outcome of a stored event's render, if any (`eventKey` as in `render`). */
  cached(
    template: RenderableTemplate,
    kind: TemplateKind,
    timeZone: string,
    eventKey: string,
  ): RenderOutcome | undefined {
    const source = sourceOf(template, kind);
    if (source === '') return { html: '' };
    const entry = this.#rendered.get(renderedKey(template, kind, timeZone, eventKey));
    if (entry === undefined || entry.source !== source) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.outcome;
  }

  /** Remembers a stored event's outcome (one rendered elsewhere, e.g. on the render thread). */
  remember(
    template: RenderableTemplate,
    kind: TemplateKind,
    timeZone: string,
    eventKey: string,
    outcome: RenderOutcome,
    ttlMs?: number,
  ): void {
    if (outcome.failure?.reason === 'busy' || outcome.failure?.reason === 'template') return;
    const source = sourceOf(template, kind);
    if (source === '') return;
    const entry: RenderedEntry = { source, outcome };
    if (ttlMs !== undefined) entry.expiresAt = Date.now() + ttlMs;
    this.#rendered.set(renderedKey(template, kind, timeZone, eventKey), entry);
  }

  /**
   * Renders within `limits`, remembering nothing: the HTML, or a failure over the limits. A
   * template that cannot be compiled throws a TemplateRenderError.
   */
  attempt(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    limits: RenderLimits,
  ): RenderOutcome {
    const source = sourceOf(template, kind);
    if (source === '') return { html: '' };
    try {
      return { html: this.#render(template, event, kind, timeZone, source, limits) };
    } catch (err) {
      if (err instanceof RenderLimitExceeded)
        return { failure: { reason: err.reason, message: err.message } };
      throw err;
    }
  }

  #render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    source: string,
    limits: RenderLimits,
  ): string {
    this.#renderCount++;
    const compiled = this.#compiled(template, kind, source);
    if (compiled.run === undefined) {
      throw new TemplateRenderError(template.id, template.version, kind, compiled.problem);
    }
    const context = buildContext(event, kind);
    const options = { data: { timeZone } };
    if (compiled.marked !== undefined && this.#shapes !== undefined) {
      const run = compiled.marked;
      let marked: string | undefined;
      try {
        marked = withinBudget(limits, () => runMarked(run, context, options));
      } catch (err) {
        if (err instanceof RenderLimitExceeded) throw err;
        marked = undefined; // the ordinary template below reports the error
      }
      if (marked !== undefined) {
        const split = splitMarked(marked);
        checkOutput(split.text.length, limits);
        return checkHtml(this.#shapes.render(split), limits);
      }
    }
    let text: string;
    try {
      // Prototype access stays off (Handlebars 4.6+ defaults; see COMPILE_OPTIONS and the tests).
      text = withinBudget(limits, () => compiled.run(context, options));
    } catch (err) {
      if (err instanceof RenderLimitExceeded) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new TemplateRenderError(template.id, template.version, kind, reason, { cause: err });
    }
    checkOutput(text.length, limits);
    return checkHtml(renderMarkdown(text), limits);
  }

  #compiled(template: RenderableTemplate, kind: TemplateKind, source: string): CompiledTemplate {
    const key = `${template.id}\u0000${template.version}\u0000${kind}`;
    const cached = this.#cache.get(key);
    // The source comparison guards against a template changed without a new version.
    if (cached !== undefined && cached.source === source) return cached;

    this.#compileCount++;
    // Templates are validated when stored; checking again here turns anything that slipped
    // through (e.g. rows written by an older version) into a clear error instead of a crash.
    // A template saved before prototype names were refused still renders: Handlebars denies the
    // access itself (the name renders empty) and its warning goes to the server's log. So does
    // one saved before crossed loops were refused: the render's bounds stop it.
    const problem = checkTemplateSource(source, { stored: true });
    const compiled: CompiledTemplate =
      problem === null
        ? {
            source,
            run: boundedTemplate(source, escapeMustaches),
            marked:
              this.#shapes !== undefined && shapeableSource(source)
                ? markedTemplate(source, escapeMustaches)
                : undefined,
          }
        : { source, problem: problem.message };
    this.#cache.set(key, compiled);
    return compiled;
  }
}

function sourceOf(template: RenderableTemplate, kind: TemplateKind): string {
  const source = kind === 'header' ? template.headerTemplate : template.detailTemplate;
  return typeof source === 'string' ? source : '';
}

function renderedKey(template: RenderableTemplate, kind: TemplateKind, timeZone: string, eventKey: string) {
  return `${eventKey}\u0000${template.id}\u0000${template.version}\u0000${kind}\u0000${timeZone}`;
}

/**
 * The Handlebars context: every token by name, `timestamp`, the event's `id` and `objectType`, and
 * `extraData` in the detail template only (HubSpot does not offer it in the header). The built-in
 * names win over tokens of the same name (such names are refused for new templates). An ordinary object (Handlebars stringifies contexts, e.g. `{{this}}`, which a
 * null-prototype object would make throw); `Object.fromEntries` defines own properties, so even a
 * token named `__proto__` is a plain value, and inherited members stay hidden by Handlebars'
 * prototype-access guard.
 */
function buildContext(event: RenderableEvent, kind: TemplateKind): Record<string, unknown> {
  const context: Record<string, unknown> = Object.fromEntries(Object.entries(event.tokens ?? {}));
  context.timestamp = event.timestamp;
  if (event.id !== undefined) context.id = event.id;
  if (event.objectType !== undefined) context.objectType = event.objectType;
  if (kind === 'detail' && event.extraData !== undefined) context.extraData = event.extraData;
  else delete context.extraData;
  return context;
}

/**
 * Every `{{{triple-stash}}}` escaped like `{{value}}` (applied to both compilations' syntax trees):
 * token values are always HTML-escaped, so raw HTML can only come from the template's own text,
 * which the Markdown step strips (HubSpot: raw HTML is not allowed).
 */
export function escapeMustaches(program: hbs.AST.Program | undefined): void {
  for (const statement of program?.body ?? []) {
    if (statement.type === 'MustacheStatement') (statement as hbs.AST.MustacheStatement).escaped = true;
    if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement;
      escapeMustaches(block.program);
      escapeMustaches(block.inverse);
    }
  }
}
