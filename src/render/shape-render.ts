/**
 * The cold rendering path: the Markdown step once per template *shape* instead of once
 * per event. The shape is the Handlebars output with each value (a token, an `extraData` field, a
 * formatted date) replaced by a placeholder; its HTML is computed by the full pipeline
 * (renderMarkdown: Markdown, raw-HTML stripping, URL whitelist, sanitiser) and cached with the
 * placeholders left in, and an event's HTML is that with each placeholder replaced by the value.
 *
 * That is exact only when a value cannot change how the text around it is parsed, and when its own
 * characters come out unchanged. A value is used so (is "inert") only if:
 * - it holds letters, numbers, combining marks, spaces, the ASCII punctuation `. , : ; ? ! / @ $ %
 *   ^ + -`, non-ASCII punctuation or symbols, and Handlebars' own escapes (`&amp;` `&lt;` `&gt;`
 *   `&quot;` `&#x27;` `&#x60;` `&#x3D;`, complete character references that markdown-it keeps
 *   verbatim, see render-markdown.ts). Nothing markdown-it's inline rules act on (`* _ ~ \` [ ] \ <
 *   & #` raw, line breaks, tabs; `linkify` and `typographer` are off), nothing that could close a
 *   link destination (`( )`), no table pipe;
 * - it starts with a letter or a number, or with one of those escapes (`&`, punctuation), and
 *   ends with a letter, a number or one of `. , : ; ? !`: no leading/trailing space (indentation,
 *   hard breaks). The placeholder has the same character class at each end (letter, or a non-ASCII
 *   punctuation mark for `&`; the last punctuation character itself), so emphasis delimiters next
 *   to it flank the same way (CommonMark's left/right-flanking rules look only at that class);
 * - where it starts a line (only spaces and markers such as `- `, `1. `, `> `, `# ` before it on
 *   its line), it starts with a letter: it cannot start a list, heading, quote, fence, thematic
 *   break or setext underline, nor change the HubSpot one-paragraph-per-line split;
 * - it does not directly follow `&`, `&#` or `&name` (it would complete a character reference).
 * The template's own text holds no `<` and no `\` (raw HTML, autolinks, backslash escapes: the
 * ordinary path handles those templates).
 *
 * Then a shape's HTML is used only if each placeholder appears exactly once in it, either in text
 * (not inside `<code>`, whose escaping differs) or in an `<a href="...">` after the start of the
 * URL's path (`/`, `?` or `#` past any scheme and host: the scheme and host, lower-cased and
 * punycoded by markdown-it, never hold a value), not right after a `%`. A value in a URL must be
 * ASCII letters and digits (which percent-encoding leaves alone), and the URL it makes is checked
 * again with the whitelist (isSafeUrl) on every event. Anything else (a code span, an image, a
 * title, a reference definition, a link the whitelist refused while its URL holds a placeholder:
 * the value might make it acceptable) makes the shape fall back to the full pipeline. The differential
 * test (test/render/shape-render.test.ts) compares both paths over a large seeded corpus.
 */
import { LRUCache } from 'lru-cache';
import { renderMarkdown, renderMarkdownReporting } from './render-markdown.js';
import { isSafeUrl } from './safe-urls.js';
import { VALUE_CLOSE, VALUE_OPEN } from './value-marking.js';

const PLACEHOLDER_HEAD = 'XqJ';
const PLACEHOLDER_TAIL = 'JqX';
/** Stands for a value that starts with `&` (a Handlebars escape): punctuation, inert in Markdown. */
const PUNCTUATION_STAND_IN = '\u2e3a';
const MAX_VALUES = 200;

const HANDLEBARS_ESCAPE = '&(?:amp|lt|gt|quot|#x27|#x60|#x3D);';
const INERT_CHARACTER = `(?:[\\p{L}\\p{N}\\p{M} .,:;?!/@$%^+\\-]|[^\\x00-\\x7f\\p{Z}\\p{C}]|${HANDLEBARS_ESCAPE})`;
const INERT = new RegExp(`^(?:[\\p{L}\\p{N}]|${HANDLEBARS_ESCAPE})${INERT_CHARACTER}*$`, 'u');
/** The common case (ASCII words), a subset of INERT that is quicker to test. */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9 .,:;?!/@$%^+-]*$/;
const LETTER_OR_NUMBER_END = /[\p{L}\p{N}]$/u;
const PUNCTUATION_END = /[.,:;?!]$/;
const LETTER_START = /^\p{L}/u;
const LETTER = /\p{L}/u;
const OPEN_REFERENCE = /&#?[A-Za-z0-9]*$/;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** Whether a template source may take the shape path at all (see above). */
export function shapeableSource(source: string): boolean {
  return !/[<\\]/.test(source) && !source.includes(PLACEHOLDER_HEAD) && !source.includes(PLACEHOLDER_TAIL);
}

/** A marked Handlebars output taken apart. `shape` is undefined when some value is not inert. */
export interface MarkedText {
  text: string;
  shape: string | undefined;
  values: string[];
}

export function splitMarked(marked: string): MarkedText {
  let text = '';
  let shape: string | undefined = '';
  const values: string[] = [];
  let sinceValue = ''; // the shape's text since the last placeholder
  let lineHasLetter = false;
  let position = 0;
  for (;;) {
    const open = marked.indexOf(VALUE_OPEN, position);
    const fixed = open === -1 ? marked.slice(position) : marked.slice(position, open);
    text += fixed;
    if (shape !== undefined && fixed !== '') {
      shape += fixed;
      sinceValue += fixed;
      const lineStart = Math.max(fixed.lastIndexOf('\n'), fixed.lastIndexOf('\r'));
      if (lineStart >= 0) lineHasLetter = LETTER.test(fixed.slice(lineStart + 1));
      else if (!lineHasLetter) lineHasLetter = LETTER.test(fixed);
    }
    if (open === -1) break;
    const close = marked.indexOf(VALUE_CLOSE, open + 1);
    const value = marked.slice(open + 1, close);
    text += value;
    position = close + 1;
    if (shape === undefined || value === '') continue;
    const placeholder = placeholderFor(value, values.length, lineHasLetter, sinceValue);
    if (placeholder === undefined) {
      shape = undefined;
      continue;
    }
    shape += placeholder;
    values.push(value);
    sinceValue = '';
    lineHasLetter = true;
  }
  return { text, shape, values };
}

/**
 * The placeholder of the `index`th value, in three parts: a stand-in for a first `&` (punctuation),
 * the core, and a copy of a last punctuation character. The core says which of the two are there
 * (`a`, `p`), so a shape never reads the same with the copy as with the same character as text.
 */
function placeholderParts(value: string, index: number): [string, string, string] {
  const first = value.startsWith('&') ? PUNCTUATION_STAND_IN : '';
  const last = LETTER_OR_NUMBER_END.test(value) ? '' : value.slice(-1);
  const core = `${PLACEHOLDER_HEAD}${index}${first === '' ? '' : 'a'}${last === '' ? '' : 'p'}${PLACEHOLDER_TAIL}`;
  return [first, core, last];
}

function placeholderFor(
  value: string,
  index: number,
  lineHasLetter: boolean,
  before: string,
): string | undefined {
  if (index >= MAX_VALUES || !(PLAIN.test(value) || INERT.test(value))) return undefined;
  if (OPEN_REFERENCE.test(before)) return undefined;
  if (!lineHasLetter && !LETTER_START.test(value)) return undefined;
  if (!LETTER_OR_NUMBER_END.test(value) && !PUNCTUATION_END.test(value)) return undefined;
  return placeholderParts(value, index).join('');
}

/** A shape's HTML cut at its placeholders: strings, and value indexes in between. */
interface ShapeHtml {
  pieces: (string | number)[];
  /** Values inside a link URL (must be ASCII letters and digits). */
  urlValues: number[];
  /** Each link URL that holds values, cut the same way (escaped as in the HTML). */
  urls: (string | number)[][];
}

const HREF_OPEN = '<a href="';

function unescapeAttribute(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot);/g, (ref) =>
    ref === '&amp;' ? '&' : ref === '&lt;' ? '<' : ref === '&gt;' ? '>' : '"',
  );
}

/** True when `prefix` (a URL up to a value) already reaches into the path, query or fragment. */
function pastSchemeAndHost(prefix: string): boolean {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(prefix)?.[0] ?? '';
  let rest = prefix.slice(scheme.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  else if (/^[/?#]/.test(rest)) return true;
  return /[/?#]/.test(rest);
}

function cutShape(shape: string, values: string[]): ShapeHtml | undefined {
  const { html, refusedLinks, definesReferences } = renderMarkdownReporting(shape);
  // A link whose URL holds a value was refused (the value may make it acceptable), or `[labels]`
  // might match a reference definition depending on their values: such shapes are not used.
  if (definesReferences) return undefined;
  if (refusedLinks.some((url) => /xqj|jqx/i.test(url))) return undefined;
  const found: { at: number; length: number; index: number }[] = [];
  const urlValues: number[] = [];
  const urlStarts = new Map<number, number[]>();
  for (let index = 0; index < values.length; index++) {
    const [first, core, last] = placeholderParts(values[index] as string, index);
    const coreAt = html.indexOf(core);
    if (coreAt === -1 || html.indexOf(core, coreAt + 1) !== -1) return undefined;
    const at = coreAt - first.length;
    if (html.slice(at, coreAt + core.length + last.length) !== `${first}${core}${last}`) return undefined;

    const tagStart = html.lastIndexOf('<', at);
    if (tagStart > html.lastIndexOf('>', at)) {
      // Inside a tag: only a link's href, past the URL's scheme and host, not after a '%'.
      if (!html.startsWith(HREF_OPEN, tagStart) || first !== '' || last !== '') return undefined;
      const prefix = html.slice(tagStart + HREF_OPEN.length, at);
      if (prefix.includes('"') || prefix.slice(-4).includes('%')) return undefined;
      if (!pastSchemeAndHost(unescapeAttribute(prefix))) return undefined;
      urlValues.push(index);
      urlStarts.set(tagStart, [...(urlStarts.get(tagStart) ?? []), index]);
    } else if (html.lastIndexOf('<code', at) > html.lastIndexOf('</code>', at)) {
      return undefined;
    }
    found.push({ at, length: first.length + core.length + last.length, index });
  }
  found.sort((a, b) => a.at - b.at);
  const pieces: (string | number)[] = [];
  let position = 0;
  for (const { at, length, index } of found) {
    pieces.push(html.slice(position, at), index);
    position = at + length;
  }
  pieces.push(html.slice(position));

  const urls: (string | number)[][] = [];
  for (const [tagStart, indexes] of urlStarts) {
    const start = tagStart + HREF_OPEN.length;
    const end = html.indexOf('"', start);
    const url: (string | number)[] = [];
    let from = start;
    for (const { at, length, index } of found) {
      if (at < start || at >= end || !indexes.includes(index)) continue;
      url.push(html.slice(from, at), index);
      from = at + length;
    }
    url.push(html.slice(from, end));
    urls.push(url);
  }
  return { pieces, urlValues, urls };
}

function join(pieces: (string | number)[], values: string[]): string {
  let out = '';
  for (const piece of pieces) out += typeof piece === 'number' ? values[piece] : piece;
  return out;
}

function shapeHtmlChars(cut: ShapeHtml | { none: true }): number {
  if ('none' in cut) return 1;
  let chars = 1;
  for (const piece of cut.pieces) if (typeof piece === 'string') chars += piece.length;
  return chars;
}

/** Cached shape HTML; `{ none: true }` marks a shape that must take the full pipeline. */
export class ShapeCache {
  readonly #shapes: LRUCache<string, ShapeHtml | { none: true }>;
  hits = 0;

  /** At most `size` shapes, and `maxChars` characters of shapes and their HTML. */
  constructor(size: number, maxChars: number) {
    this.#shapes = new LRUCache({
      max: size,
      maxSize: maxChars,
      sizeCalculation: (cut, shape) => shape.length + shapeHtmlChars(cut),
    });
  }

  /** The HTML of a marked Handlebars output (splitMarked): from its shape when possible, else the full pipeline. */
  render({ text, shape, values }: MarkedText): string {
    if (shape === undefined) return renderMarkdown(text);
    let cut = this.#shapes.get(shape);
    if (cut === undefined) {
      cut = cutShape(shape, values) ?? { none: true };
      this.#shapes.set(shape, cut);
    }
    if ('none' in cut) return renderMarkdown(text);
    for (const index of cut.urlValues) {
      if (!ALPHANUMERIC.test(values[index] as string)) return renderMarkdown(text);
    }
    for (const url of cut.urls) {
      if (!isSafeUrl(unescapeAttribute(join(url, values)))) return renderMarkdown(text);
    }
    this.hits++;
    return join(cut.pieces, values);
  }
}
