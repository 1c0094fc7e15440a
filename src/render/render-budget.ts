/**
 * What one render may spend, counted deterministically: the characters the Handlebars step puts
 * out (and, once Markdown is done, the characters of HTML), and its *steps* (each value inserted, each block helper called, each `#each` iteration; a
 * `formatDate` counts as 20).
 * The same template and event always stop at the same point with the same reason, whatever the
 * machine, so a render over its bounds is a failure that can be cached and shown the same way on
 * every run (a wall-clock timeout could not be).
 *
 * The counting lives in the helpers the compiled templates call: the value helpers of the two
 * compilations (value-marking.ts, bounded-template.ts) count each value, and the block helpers are
 * wrapped here. What a template writes between values (its own text) is counted when an `#each`
 * iteration ends, as the iteration's length less what its values and inner loops counted already;
 * text outside every loop is at most the template's own length and is counted when the run ends
 * (`checkOutput`). The count is exact: both compilations stop at the same point.
 */
import type Handlebars from 'handlebars';
import { Limits } from '../limits.js';

export interface RenderLimits {
  /** Characters of Handlebars output (the Markdown step's input). */
  outputChars: number;
  /** Values inserted, block helpers called and `#each` iterations. */
  steps: number;
  /** Characters of the HTML the render answers (Limits.MAX_RENDER_HTML_CHARS unless given). */
  htmlChars?: number;
}

export type LimitReason = 'output' | 'steps' | 'html';

/**
 * `65536` as `65,536`. Not `toLocaleString`: its first call loads ICU's number data (about 75 ms,
 * measured), which a render on the HTTP thread must not pay.
 */
function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A render went over one of its limits; thrown through Handlebars from a helper. */
export class RenderLimitExceeded extends Error {
  constructor(
    readonly reason: LimitReason,
    readonly limit: number,
  ) {
    super(
      reason === 'output'
        ? `renders more than ${groupDigits(limit)} characters`
        : reason === 'html'
          ? `renders more than ${groupDigits(limit)} characters of HTML`
          : `takes more than ${groupDigits(limit)} steps (values, block helpers and #each iterations)`,
    );
    this.name = 'RenderLimitExceeded';
  }
}

class Budget {
  /** Output characters counted so far (values and loop text; marker characters excluded). */
  chars = 0;
  /** Output characters known so far including marker characters: what an iteration's text holds. */
  seen = 0;
  steps = 0;

  constructor(readonly limits: RenderLimits) {}

  step(weight = 1): void {
    this.steps += weight;
    if (this.steps > this.limits.steps) throw new RenderLimitExceeded('steps', this.limits.steps);
  }

  /** A value: one step, and its characters (see `output`). */
  value(length: number, markers: number): void {
    this.steps++;
    this.chars += length;
    this.seen += length + markers;
    if (this.steps > this.limits.steps) throw new RenderLimitExceeded('steps', this.limits.steps);
    if (this.chars > this.limits.outputChars) {
      throw new RenderLimitExceeded('output', this.limits.outputChars);
    }
  }

  /** `length` characters of output, plus `markers` characters the caller strips again. */
  output(length: number, markers: number): void {
    this.chars += length;
    this.seen += length + markers;
    if (this.chars > this.limits.outputChars) {
      throw new RenderLimitExceeded('output', this.limits.outputChars);
    }
  }
}

/** The budget of the render running now (renders are synchronous, so one at a time per thread). */
let active: Budget | undefined;

/** Runs `run` (one Handlebars run) within `limits`; throws RenderLimitExceeded past them. */
export function withinBudget<T>(limits: RenderLimits, run: () => T): T {
  const previous = active;
  active = new Budget(limits);
  try {
    return run();
  } finally {
    active = previous;
  }
}

/** The whole Handlebars output's length, checked once the run is over (text outside every loop). */
export function checkOutput(length: number, limits: RenderLimits): void {
  if (length > limits.outputChars) throw new RenderLimitExceeded('output', limits.outputChars);
}

/**
 * The HTML's length, once Markdown is done: Markdown may make several times its input (a table row
 * `|1|2|3|` is 8 characters of text and 40 of HTML), and the HTML is what caches and pages hold.
 */
export function checkHtml(html: string, limits: RenderLimits): string {
  const limit = limits.htmlChars ?? Limits.MAX_RENDER_HTML_CHARS;
  if (html.length > limit) throw new RenderLimitExceeded('html', limit);
  return html;
}

/** One value of `length` characters inserted (`markers`: characters the output wraps it in). */
export function countValue(length: number, markers = 0): void {
  active?.value(length, markers);
}

type Helper = (this: unknown, ...args: unknown[]) => unknown;

/**
 * What one call of a helper counts. `formatDate` formats with Intl (about 20 times the cost of
 * a lookup or an `#if`, measured), so a loop of dates is bounded by its time, not its count.
 */
const STEP_WEIGHTS: Readonly<Record<string, number>> = { formatDate: 20 };

function countedBlock(helper: Helper, weight: number): Helper {
  return function (this: unknown, ...args: unknown[]) {
    active?.step(weight);
    return helper.apply(this, args);
  };
}

/**
 * `#each` with each iteration counted: a step, and the iteration's own text (its output less what
 * its values and inner loops counted) as output. Handlebars' own helper does the iterating, so the
 * order, `@index`/`@key`/`@first`/`@last` and block parameters stay exactly Handlebars'.
 */
function countedEach(each: Helper): Helper {
  return function (this: unknown, context: unknown, options: unknown) {
    const budget = active;
    if (budget === undefined) return each.call(this, context, options);
    budget.step();
    // Handlebars builds a new options object for every helper call: its `fn` can be replaced.
    const given = options as Handlebars.HelperOptions;
    const fn = given.fn;
    given.fn = (item: unknown, frame?: Handlebars.RuntimeOptions) => {
      budget.step();
      const before = budget.seen;
      const out = fn(item, frame);
      budget.output(out.length - (budget.seen - before), 0);
      return out;
    };
    return each.call(this, context, given);
  };
}

/**
 * Wraps an instance's block helpers and `formatDate` (inline or block) so they count. Registered once per Handlebars instance at load time.
 */
export function countBlockHelpers(engine: typeof Handlebars): void {
  const helpers = engine.helpers as Record<string, Helper>;
  const each = helpers.each;
  if (each === undefined) throw new Error('Handlebars has no #each helper');
  engine.registerHelper('each', countedEach(each));
  for (const name of ['if', 'unless', 'with', 'formatDate']) {
    const helper = helpers[name];
    if (helper === undefined) throw new Error(`Handlebars has no ${name} helper`);
    engine.registerHelper(name, countedBlock(helper, STEP_WEIGHTS[name] ?? 1));
  }
}
