import Handlebars from 'handlebars';
import { formatDate } from './format-date.js';

/**
 * The isolated Handlebars instance behind timeline templates. HubSpot offers the block helpers
 * `#each`, `#if`, `#unless`, `#with` and its own `#formatDate`; Handlebars' `log` and `lookup`
 * are removed so they behave like any other unknown name. `helperMissing`/`blockHelperMissing`
 * stay: the compiled code refers to them.
 */
export const templateEngine = Handlebars.create();
templateEngine.unregisterHelper('log');
templateEngine.unregisterHelper('lookup');

/** Where Handlebars' own warnings go: the server's JSON logger, never plain text on stderr. */
export type TemplateLog = (level: 'warn' | 'error' | 'info' | 'debug', message: string) => void;

let templateLog: TemplateLog = () => {};

/**
 * Sends Handlebars' warnings (for example a denied prototype access, `{{toString}}` on a template
 * stored before such names were refused) to `log`. Handlebars writes them through one logger object
 * shared by every instance in the process, straight to `console`; this replaces its `log`, so the
 * last server started in a process receives them (tests start several; production runs one).
 */
export function setTemplateLog(log: TemplateLog): void {
  templateLog = log;
}

/** Passes on a warning Handlebars gave on the render thread (render-thread-client.ts). */
export function logTemplateWarning(level: Parameters<TemplateLog>[0], message: string): void {
  templateLog(level, message);
}

templateEngine.logger.log = (level: string | number, ...message: unknown[]) => {
  const name = typeof level === 'number' ? ['debug', 'info', 'warn', 'error'][level] : level;
  const known = name === 'error' || name === 'info' || name === 'debug' ? name : 'warn';
  templateLog(known, message.map(String).join(' '));
};

/** Block helpers a template may use, with the number of positional arguments each one takes. */
export const BLOCK_HELPERS: ReadonlyMap<string, number> = new Map([
  ['each', 1],
  ['if', 1],
  ['unless', 1],
  ['with', 1],
  ['formatDate', 1],
]);

/** Helpers that may also be called inline (`{{formatDate timestamp}}`). */
export const INLINE_HELPERS: ReadonlyMap<string, number> = new Map([['formatDate', 1]]);

/** Hash arguments each helper understands; others are refused at validation time. */
export const HELPER_HASH_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['each', []],
  ['if', ['includeZero']],
  ['unless', ['includeZero']],
  ['with', []],
  ['formatDate', ['format']],
]);

/**
 * `strict: false` so missing keys render empty. `knownHelpersOnly` makes any call of a helper
 * that is not ours a compile-time error instead of a lookup at render time. The prototype-access
 * guards of Handlebars 4.6+ are left at their (safe) defaults.
 */
export const COMPILE_OPTIONS: CompileOptions = {
  strict: false,
  assumeObjects: false,
  knownHelpersOnly: true,
  knownHelpers: { log: false, lookup: false, formatDate: true },
};

/** The `formatDate` helper for one render, bound to the portal's time zone. */
/**
 * `formatDate`, registered once: the portal's zone comes with each render as `@timeZone` in
 * Handlebars' data (passing helpers per render makes Handlebars merge them on every call).
 */
export function formatDateHelper(...args: unknown[]): string {
  // Handlebars passes the positional arguments first and its options object last.
  const options = args[args.length - 1] as Handlebars.HelperOptions | undefined;
  const value = args.length > 1 ? args[0] : undefined;
  const timeZone = (options?.data as { timeZone?: string } | undefined)?.timeZone ?? 'UTC';
  return formatDate(value, options?.hash.format, timeZone);
}

templateEngine.registerHelper('formatDate', formatDateHelper);
