/**
 * The check of a template source when it is saved: it parses, uses only HubSpot's helpers with their
 * arguments, names no prototype member and nests no crossed `#each` loops (crossed-loops.ts). A
 * source that passes renders without throwing, whatever the event's data.
 */
import { crossedLoop } from './crossed-loops.js';
import { isDateFormat } from './format-date.js';
import {
  BLOCK_HELPERS,
  COMPILE_OPTIONS,
  HELPER_HASH_KEYS,
  INLINE_HELPERS,
  templateEngine,
} from './template-engine.js';

/** Why a template source was refused. `line` and `column` are 1-based. */
export interface TemplateProblem {
  message: string;
  line?: number;
  column?: number;
}

type Node = hbs.AST.Node;

class ProblemFound extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.message);
  }
}

function at(node: Node): { line: number; column: number } {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

function problemAt(node: Node, message: string): ProblemFound {
  const { line, column } = at(node);
  return new ProblemFound({ message: `${message} (line ${line}, column ${column})`, line, column });
}

const SUPPORTED = 'supported helpers are #each, #if, #unless, #with and #formatDate';

/** The helper name of a call expression, or undefined when the callee is not a plain name. */
function simpleName(path: hbs.AST.Node): string | undefined {
  if (path.type !== 'PathExpression') return undefined;
  const p = path as hbs.AST.PathExpression;
  return !p.data && p.depth === 0 && p.parts.length === 1 && p.original === p.parts[0]
    ? p.parts[0]
    : undefined;
}

function calleeLabel(path: hbs.AST.Node): string {
  if (path.type === 'PathExpression') return (path as hbs.AST.PathExpression).original;
  const literal = path as hbs.AST.Node & { original?: unknown };
  return String(literal.original ?? path.type);
}

interface Call {
  path: hbs.AST.Node;
  params: hbs.AST.Expression[];
  hash: hbs.AST.Hash | undefined;
}

function checkCall(node: Node, call: Call, allowed: ReadonlyMap<string, number>, kind: string): void {
  const name = simpleName(call.path);
  const arity = name === undefined ? undefined : allowed.get(name);
  if (name === undefined || arity === undefined) {
    throw problemAt(node, `Unknown ${kind} "${calleeLabel(call.path)}": ${SUPPORTED}`);
  }
  if (call.params.length !== arity) {
    throw problemAt(
      node,
      `"${name}" takes exactly ${arity} argument${arity === 1 ? '' : 's'}, got ${call.params.length}`,
    );
  }
  const hashKeys = HELPER_HASH_KEYS.get(name) ?? [];
  for (const pair of call.hash?.pairs ?? []) {
    if (!hashKeys.includes(pair.key)) throw problemAt(pair, `"${name}" has no option "${pair.key}"`);
    if (name === 'formatDate' && pair.key === 'format' && pair.value.type === 'StringLiteral') {
      const format = (pair.value as hbs.AST.StringLiteral).value;
      if (!isDateFormat(format))
        throw problemAt(pair, `Unknown date format "${format}": use short, medium, long or full`);
    }
  }
  for (const param of call.params) checkExpression(param);
  for (const pair of call.hash?.pairs ?? []) checkExpression(pair.value);
}

/**
 * Names that reach an object's prototype rather than a token or `extraData` value. Handlebars
 * denies them at render time with a warning; we refuse them when the template is saved, so the
 * author learns it then (*ours*: HubSpot documents no such name).
 */
const PROTOTYPE_NAMES = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

/** Set per check: the renderer's re-check of stored templates lets such names through (see there). */
let refusePrototypeNames = true;

function checkPath(node: hbs.AST.Node): void {
  if (!refusePrototypeNames || node.type !== 'PathExpression') return;
  const name = (node as hbs.AST.PathExpression).parts.find((part) => PROTOTYPE_NAMES.has(part));
  if (name !== undefined) {
    throw problemAt(
      node,
      `"${name}" names a built-in property of every object, not a token or extraData value`,
    );
  }
}

function checkExpression(node: hbs.AST.Expression): void {
  checkPath(node);
  if (node.type === 'SubExpression') {
    const sub = node as hbs.AST.SubExpression;
    checkCall(node, sub, INLINE_HELPERS, 'helper');
  }
}

function checkProgram(program: hbs.AST.Program | undefined): void {
  for (const statement of program?.body ?? []) checkStatement(statement);
}

function checkStatement(node: hbs.AST.Statement): void {
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      checkPath(mustache.path);
      const name = simpleName(mustache.path);
      const hasArguments = mustache.params.length > 0 || (mustache.hash?.pairs.length ?? 0) > 0;
      if (hasArguments || (name !== undefined && BLOCK_HELPERS.has(name))) {
        if (name !== undefined && BLOCK_HELPERS.has(name) && !INLINE_HELPERS.has(name)) {
          throw problemAt(node, `"${name}" must be used as a block: {{#${name} ...}}...{{/${name}}}`);
        }
        checkCall(node, mustache, INLINE_HELPERS, 'helper');
      }
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      checkCall(node, block, BLOCK_HELPERS, 'block helper');
      checkProgram(block.program);
      checkProgram(block.inverse);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
      throw problemAt(node, 'Partials ({{> name}}) are not supported');
    case 'Decorator':
    case 'DecoratorBlock':
      throw problemAt(node, 'Decorators ({{* name}}) are not supported');
    default:
      throw problemAt(node, `Unsupported template construct ${node.type}`);
  }
}

interface LexerLocation {
  first_line: number;
  first_column: number;
}

function isLexerLocation(value: unknown): value is LexerLocation {
  if (typeof value !== 'object' || value === null) return false;
  const loc = value as Record<string, unknown>;
  return typeof loc.first_line === 'number' && typeof loc.first_column === 'number';
}

/**
 * Turns a Handlebars error into a problem. Two kinds exist: `Handlebars.Exception`s from the AST
 * helpers/compiler carry `lineNumber` and a 0-based `column`; the (Jison) parser throws a plain
 * Error whose message reads "Parse error on line N: ...". For those the parser's shared lexer
 * still holds the location of the offending token right after the throw (read only, synchronously).
 */
function problemFromError(err: unknown): TemplateProblem {
  if (!(err instanceof Error)) return { message: `Invalid template: ${String(err)}` };
  const located = err as Error & { lineNumber?: unknown; column?: unknown };
  if (typeof located.lineNumber === 'number' && typeof located.column === 'number') {
    const line = located.lineNumber;
    const column = located.column + 1;
    const reason = err.message.replace(/ - \d+:\d+$/, '');
    return { message: `Invalid template: ${reason} (line ${line}, column ${column})`, line, column };
  }
  const parseLine = /^(?:Parse|Lexical) error on line (\d+)/.exec(err.message);
  if (parseLine !== null) {
    const engine = templateEngine as unknown as { Parser?: { lexer?: { yylloc?: unknown } } };
    const loc = engine.Parser?.lexer?.yylloc;
    const line = isLexerLocation(loc) ? loc.first_line : Number(parseLine[1]);
    const column = isLexerLocation(loc) ? loc.first_column + 1 : undefined;
    const lines = err.message.split('\n');
    const expecting = lines[lines.length - 1] ?? '';
    let reason = expecting.startsWith('Expecting') ? expecting : 'unrecognised text';
    if (expecting.includes("'OPEN_ENDBLOCK'") && expecting.endsWith("got 'EOF'")) {
      reason = 'a block is never closed (missing {{/name}})';
    }
    const where = column === undefined ? `line ${line}` : `line ${line}, column ${column}`;
    return {
      message: `Invalid template syntax: ${reason} (${where})`,
      line,
      ...(column === undefined ? {} : { column }),
    };
  }
  return { message: `Invalid template: ${err.message}` };
}

/**
 * Validates a `headerTemplate`/`detailTemplate` source when a template is created or updated.
 * Returns `null` when it is fine, or the first problem found. A template that passes renders
 * without throwing, whatever the event data. `stored`: the renderer's re-check of a template
 * already stored, which may predate the rules that only protect (prototype names, crossed loops):
 * those it still renders (Handlebars denies prototype access; the render's bounds stop loops).
 */
export function checkTemplateSource(
  source: string,
  options: { stored: boolean } = { stored: false },
): TemplateProblem | null {
  if (source === '') return null;
  let ast: hbs.AST.Program;
  try {
    ast = templateEngine.parse(source);
  } catch (err) {
    return problemFromError(err);
  }
  try {
    refusePrototypeNames = !options.stored;
    checkProgram(ast);
    const crossed = options.stored ? undefined : crossedLoop(ast);
    if (crossed !== undefined) throw problemAt(crossed.node, crossed.message);
  } catch (err) {
    if (err instanceof ProblemFound) return err.problem;
    return problemFromError(err);
  }
  try {
    // A dry run of the compiler catches what the parser lets through (e.g. unknown helpers
    // under `knownHelpersOnly`), without ever running the template.
    templateEngine.precompile(source, COMPILE_OPTIONS);
  } catch (err) {
    return problemFromError(err);
  }
  return null;
}
