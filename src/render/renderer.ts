import { LRUCache } from 'lru-cache';
import { renderMarkdown } from './render-markdown.js';
import { ShapeCache, shapeableSource } from './shape-render.js';
import { checkTemplateSource } from './template-check.js';
import { COMPILE_OPTIONS, templateEngine } from './template-engine.js';
import { TemplateRenderError } from './template-render-error.js';
import { markedTemplate, runMarked } from './value-marking.js';

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
}

type TemplateFunction = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

type CompiledTemplate =
  | { source: string; run: TemplateFunction; marked: TemplateFunction | undefined; problem?: undefined }
  | { source: string; run?: undefined; problem: string };

const DEFAULT_CACHE_SIZE = 1000;
/** Rendered headers and details kept (issue 16): about 200-500 bytes each, a few MB in all. */
const DEFAULT_RENDERED_CACHE_SIZE = 10_000;
/** Template shapes kept (issue 16, shape-render.ts): a few per template, each about its HTML's size. */
const DEFAULT_SHAPE_CACHE_SIZE = 5_000;

/** A rendered HTML and the source it came from (a source changed without a new version misses). */
interface RenderedEntry {
  source: string;
  html: string;
}

/**
 * Renders timeline event templates the way HubSpot does: Handlebars, then Markdown, to HTML.
 * Compiled templates are kept in an LRU cache keyed by (template id, version, header/detail), so
 * an updated template (new version) is compiled afresh while old versions age out. The HTML of an
 * event given with an `eventKey` is kept too, keyed by that event, the template version, the kind
 * and the time zone: events never change once stored, and a template update bumps its version.
 */
export class Renderer {
  readonly #cache: LRUCache<string, CompiledTemplate>;
  readonly #rendered: LRUCache<string, RenderedEntry>;
  readonly #shapes: ShapeCache | undefined;
  #compileCount = 0;
  #renderCount = 0;

  /**
   * `shapes: false` runs the Markdown step on every render (the pipeline before issue 16's shape
   * cache): the reference of the differential test and of bench/render.ts.
   */
  constructor(options?: { cacheSize?: number; renderedCacheSize?: number; shapes?: boolean }) {
    this.#cache = new LRUCache({ max: options?.cacheSize ?? DEFAULT_CACHE_SIZE });
    this.#rendered = new LRUCache({ max: options?.renderedCacheSize ?? DEFAULT_RENDERED_CACHE_SIZE });
    this.#shapes = options?.shapes === false ? undefined : new ShapeCache(DEFAULT_SHAPE_CACHE_SIZE);
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
   * stored event (unique across portals and templates): its HTML is cached under it.
   */
  render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    eventKey?: string,
  ): string {
    const source = kind === 'header' ? template.headerTemplate : template.detailTemplate;
    if (typeof source !== 'string' || source === '') return '';
    if (eventKey === undefined) return this.#render(template, event, kind, timeZone, source);
    const key = `${eventKey}\u0000${template.id}\u0000${template.version}\u0000${kind}\u0000${timeZone}`;
    const cached = this.#rendered.get(key);
    if (cached !== undefined && cached.source === source) return cached.html;
    const html = this.#render(template, event, kind, timeZone, source);
    this.#rendered.set(key, { source, html });
    return html;
  }

  #render(
    template: RenderableTemplate,
    event: RenderableEvent,
    kind: TemplateKind,
    timeZone: string,
    source: string,
  ): string {
    this.#renderCount++;
    const compiled = this.#compiled(template, kind, source);
    if (compiled.run === undefined) {
      throw new TemplateRenderError(template.id, template.version, kind, compiled.problem);
    }
    const context = buildContext(event, kind);
    if (compiled.marked !== undefined && this.#shapes !== undefined) {
      let marked: string | undefined;
      try {
        marked = runMarked(compiled.marked, context, { data: { timeZone } });
      } catch {
        marked = undefined; // the ordinary template below reports the error
      }
      if (marked !== undefined) return this.#shapes.render(marked);
    }
    let text: string;
    try {
      // Prototype access stays off (Handlebars 4.6+ defaults; see COMPILE_OPTIONS and the tests).
      text = compiled.run(context, { data: { timeZone } });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new TemplateRenderError(template.id, template.version, kind, reason, { cause: err });
    }
    return renderMarkdown(text);
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
    // access itself (the name renders empty) and its warning goes to the server's log.
    const problem = checkTemplateSource(source, { refusePrototypeNames: false });
    const compiled: CompiledTemplate =
      problem === null
        ? {
            source,
            run: templateEngine.compile(escapingEveryValue(source), COMPILE_OPTIONS),
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

/**
 * The Handlebars context: every token by name, `timestamp`, and `extraData` in the detail
 * template only (HubSpot does not offer it in the header). The built-in names win over tokens of
 * the same name. An ordinary object (Handlebars stringifies contexts, e.g. `{{this}}`, which a
 * null-prototype object would make throw); `Object.fromEntries` defines own properties, so even a
 * token named `__proto__` is a plain value, and inherited members stay hidden by Handlebars'
 * prototype-access guard.
 */
function buildContext(event: RenderableEvent, kind: TemplateKind): Record<string, unknown> {
  const context: Record<string, unknown> = Object.fromEntries(Object.entries(event.tokens ?? {}));
  context.timestamp = event.timestamp;
  if (kind === 'detail' && event.extraData !== undefined) context.extraData = event.extraData;
  else delete context.extraData;
  return context;
}

/**
 * The template's syntax tree with every `{{{triple-stash}}}` escaped like `{{value}}`: token values
 * are always HTML-escaped, so raw HTML can only come from the template's own text, which the
 * Markdown step strips (HubSpot: raw HTML is not allowed).
 */
function escapingEveryValue(source: string): hbs.AST.Program {
  const program = templateEngine.parse(source);
  escapeMustaches(program);
  return program;
}

function escapeMustaches(program: hbs.AST.Program | undefined): void {
  for (const statement of program?.body ?? []) {
    if (statement.type === 'MustacheStatement') (statement as hbs.AST.MustacheStatement).escaped = true;
    if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement;
      escapeMustaches(block.program);
      escapeMustaches(block.inverse);
    }
  }
}
