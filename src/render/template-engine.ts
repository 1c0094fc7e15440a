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
export function formatDateHelper(timeZone: string): Handlebars.HelperDelegate {
  // Handlebars passes the positional arguments first and its options object last.
  return (...args: unknown[]): string => {
    const options = args[args.length - 1] as Handlebars.HelperOptions | undefined;
    const value = args.length > 1 ? args[0] : undefined;
    return formatDate(value, options?.hash.format, timeZone);
  };
}

// Registered so the instance is complete on its own; each render passes a helper bound to the
// portal's zone in the runtime options, which takes precedence.
templateEngine.registerHelper('formatDate', formatDateHelper('UTC'));
