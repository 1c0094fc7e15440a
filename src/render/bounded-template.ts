/**
 * The ordinary compilation of a template (the one whose output goes through the full Markdown
 * pipeline), with every value counted against the render's budget (render-budget.ts). Each
 * `{{path}}` becomes `{{countValue path}}`, `{{helper args}}` becomes `{{countValue (helper args)}}`
 * and a block `{{#formatDate ...}}{{/formatDate}}` becomes `{{countRaw (formatDate ...)}}`: the
 * same lookups and helper calls, escaped by the same `escapeExpression`, as value-marking.ts does
 * for the marked compilation (without the markers). A statement that rewrite keeps as written (a
 * literal such as `{{"text"}}`) puts out only the template's own text, which the budget counts when
 * its loop iteration ends or the run is over.
 */
import Handlebars from 'handlebars';
import { countBlockHelpers, countValue } from './render-budget.js';
import { COMPILE_OPTIONS, formatDateHelper } from './template-engine.js';
import { rewriteValues } from './value-marking.js';

type TemplateFunction = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

/** Its own instance, so the counting helpers are never visible to the validating instance. */
const boundedEngine = Handlebars.create();
boundedEngine.unregisterHelper('log');
boundedEngine.unregisterHelper('lookup');
boundedEngine.registerHelper('formatDate', formatDateHelper);
countBlockHelpers(boundedEngine);

// What Handlebars does with a `{{value}}` (escapeExpression) and with a block helper's result
// (`result != null ? result : ''`, unescaped), counted.
boundedEngine.registerHelper('countValue', (value: unknown) => {
  const text = boundedEngine.escapeExpression(value as string);
  countValue(text.length);
  return new boundedEngine.SafeString(text);
});
boundedEngine.registerHelper('countRaw', (value: unknown) => {
  const text = value == null ? '' : String(value);
  countValue(text.length);
  return new boundedEngine.SafeString(text);
});

const BOUNDED_OPTIONS: CompileOptions = {
  ...COMPILE_OPTIONS,
  knownHelpers: { ...COMPILE_OPTIONS.knownHelpers, countValue: true, countRaw: true },
};

/**
 * The counted template of `source` (already checked and compilable). `escapeAll` is the renderer's
 * rewrite that escapes `{{{triple}}}`s.
 */
export function boundedTemplate(
  source: string,
  escapeAll: (program: hbs.AST.Program) => void,
): TemplateFunction {
  const program = boundedEngine.parse(source);
  escapeAll(program);
  rewriteValues(program, { value: 'countValue', raw: 'countRaw' }, true);
  return boundedEngine.compile(program, BOUNDED_OPTIONS);
}
