/**
 * A second compilation of a template in which every value Handlebars inserts (a `{{token}}`, an
 * inline or block `formatDate`) comes out between two marker characters, so one Handlebars run
 * gives both the template's text and where each value sits in it (see shape-render.ts).
 *
 * `{{path}}` becomes `{{markValue path}}` and `{{helper args}}` becomes `{{markValue (helper
 * args)}}`: the same lookup or helper call, escaped by the same `escapeExpression`, only wrapped.
 * A block `{{#formatDate ...}}...{{/formatDate}}` becomes `{{markRaw (formatDate ...)}}`: the
 * helper ignores its block, and its output is inserted unescaped as before. Whatever this module
 * cannot rewrite with certainty (literal or helper-named mustaches, partials, marker characters
 * in the source) is left to the ordinary compilation: `markedTemplate` answers `undefined`.
 */
import Handlebars from 'handlebars';
import { countBlockHelpers, countValue } from './render-budget.js';
import { COMPILE_OPTIONS, formatDateHelper } from './template-engine.js';

/** Opens and closes a value in the marked output (private-use characters). */
export const VALUE_OPEN = '\uE000';
export const VALUE_CLOSE = '\uE001';

type TemplateFunction = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

/**
 * Its own Handlebars instance, so the marking helpers are never visible to the templates of the
 * ordinary instance. Same helpers otherwise; Handlebars' logger is one object shared by every
 * instance, so prototype-access warnings reach the same log.
 */
const markingEngine = Handlebars.create();
markingEngine.unregisterHelper('log');
markingEngine.unregisterHelper('lookup');
markingEngine.registerHelper('formatDate', formatDateHelper);
countBlockHelpers(markingEngine);

/** Set when a value itself holds a marker character: the marked output is then ambiguous. */
let markerInValue = false;

function mark(text: string): Handlebars.SafeString {
  if (text.includes(VALUE_OPEN) || text.includes(VALUE_CLOSE)) markerInValue = true;
  countValue(text.length, 2); // the render's budget counts the value, not its two markers
  return new markingEngine.SafeString(VALUE_OPEN + text + VALUE_CLOSE);
}

// Exactly what Handlebars does with a `{{value}}` (escapeExpression) and with the result of a block
// helper (`result != null ? result : ''`, unescaped).
markingEngine.registerHelper('markValue', (value: unknown) =>
  mark(markingEngine.escapeExpression(value as string)),
);
markingEngine.registerHelper('markRaw', (value: unknown) => mark(value == null ? '' : String(value)));

const MARKING_OPTIONS: CompileOptions = {
  ...COMPILE_OPTIONS,
  knownHelpers: { ...COMPILE_OPTIONS.knownHelpers, markValue: true, markRaw: true },
};

/**
 * Names a bare `{{name}}` would call as a helper (Handlebars' defaults plus ours): such a mustache
 * is not rewritten (the template is left to the ordinary path) rather than reproduce Handlebars'
 * classification of it.
 */
const HELPER_NAMES = new Set([
  'helperMissing',
  'blockHelperMissing',
  'each',
  'if',
  'unless',
  'with',
  'formatDate',
]);

class NotMarkable extends Error {}

/** The helpers a rewritten template inserts its values with: escaped, and raw (a block `formatDate`). */
export interface ValueHelpers {
  value: string;
  raw: string;
}

function path(name: string, loc: hbs.AST.SourceLocation): hbs.AST.PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function helperMustache(
  helper: string,
  param: hbs.AST.Expression,
  strip: hbs.AST.StripFlags,
  loc: hbs.AST.SourceLocation,
): hbs.AST.MustacheStatement {
  return {
    type: 'MustacheStatement',
    path: path(helper, loc),
    params: [param],
    hash: undefined as unknown as hbs.AST.Hash,
    escaped: true,
    strip,
    loc,
  };
}

function callOf(node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement): hbs.AST.SubExpression {
  return {
    type: 'SubExpression',
    path: node.path as hbs.AST.PathExpression,
    params: node.params,
    hash: node.hash,
    loc: node.loc,
  };
}

/**
 * Rewrites `program` so every value goes through `helpers`. A statement this cannot rewrite with
 * certainty is kept as written when `keepUnsure` (its output is then the template's own, e.g. a
 * literal `{{"text"}}`), else the rewrite throws NotMarkable.
 */
export function rewriteValues(
  program: hbs.AST.Program | undefined,
  helpers: ValueHelpers,
  keepUnsure: boolean,
): void {
  if (program === undefined) return;
  const unsure = (statement: hbs.AST.Statement): hbs.AST.Statement => {
    if (keepUnsure) return statement;
    throw new NotMarkable();
  };
  program.body = program.body.map((statement): hbs.AST.Statement => {
    switch (statement.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return statement;
      case 'MustacheStatement': {
        const mustache = statement as hbs.AST.MustacheStatement;
        if (mustache.path.type !== 'PathExpression') return unsure(statement);
        const called = mustache.params.length > 0 || mustache.hash !== undefined;
        const target = mustache.path as hbs.AST.PathExpression;
        if (!called && HELPER_NAMES.has(target.parts[0] ?? '')) return unsure(statement);
        return helperMustache(
          helpers.value,
          called ? callOf(mustache) : target,
          mustache.strip,
          mustache.loc,
        );
      }
      case 'BlockStatement': {
        const block = statement as hbs.AST.BlockStatement;
        const name =
          block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : '';
        if (name === 'formatDate')
          return helperMustache(helpers.raw, callOf(block), block.openStrip, block.loc);
        rewriteValues(block.program, helpers, keepUnsure);
        rewriteValues(block.inverse, helpers, keepUnsure);
        return block;
      }
      default:
        return unsure(statement);
    }
  });
}

const MARKING_HELPERS: ValueHelpers = { value: 'markValue', raw: 'markRaw' };

/**
 * The marked template of `source` (already checked and compilable), or `undefined` when it cannot
 * be marked with certainty. `escapeAll` is the renderer's rewrite that escapes `{{{triple}}}`s.
 */
export function markedTemplate(
  source: string,
  escapeAll: (program: hbs.AST.Program) => void,
): TemplateFunction | undefined {
  if (source.includes(VALUE_OPEN) || source.includes(VALUE_CLOSE)) return undefined;
  try {
    const program = markingEngine.parse(source);
    escapeAll(program);
    rewriteValues(program, MARKING_HELPERS, false);
    return markingEngine.compile(program, MARKING_OPTIONS);
  } catch (err) {
    if (err instanceof NotMarkable) return undefined;
    throw err;
  }
}

/**
 * Runs a marked template: its output, or `undefined` when a value held a marker character (the
 * caller then runs the ordinary template). Errors propagate as from the ordinary template.
 */
export function runMarked(
  run: TemplateFunction,
  context: unknown,
  options: Handlebars.RuntimeOptions,
): string | undefined {
  markerInValue = false;
  const out = run(context, options);
  return markerInValue ? undefined : out;
}
