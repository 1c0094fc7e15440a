/** Reading untyped JSON bodies: the one test for "a JSON object" used by every rule. */

export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The path to the first value nested deeper than `limit` (objects and arrays count one level each,
 * the value itself is level 1), or undefined when none is. Iterative, so a hostile value cannot
 * exhaust the stack while it is measured.
 */
export function tooDeepAt(value: unknown, limit: number): (string | number)[] | undefined {
  if (!nestsDeeperThan(value, limit)) return undefined;
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [
    { value, depth: 1, path: [] },
  ];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number; path: (string | number)[] };
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > limit) return next.path;
    for (const [key, child] of entriesOf(next.value)) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: next.depth + 1, path: [...next.path, key] });
    }
  }
  return undefined;
}

/**
 * Whether any value is nested deeper than `limit`, allocating nothing but its stack: every request
 * body and every event's extraData passes here, and nearly all pass; only a failure pays for
 * building the path (`tooDeepAt`, `bodyProblem`).
 */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const next = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(next)) {
      for (const child of next) {
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in next) {
      const child = (next as JsonObject)[key];
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

function entriesOf(value: object): [string | number, unknown][] {
  return Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
}

/** A JSON path as the error's `in` names it: `inputs[0].extraData.a[3]`. */
export function pathText(path: readonly (string | number)[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Sets `key` as an own, enumerable data property whatever its name: a plain assignment
 * with the key `__proto__` changes the object's prototype instead (or, for a string, does nothing),
 * so a token, property or stamp of that name would be lost; this keeps it as data.
 */
export function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  // Only `__proto__` is an accessor on Object.prototype; any other name assigns an own property
  // (and an assignment costs a fraction of defineProperty, on the path of every token).
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `target[key]` when it is the object's own property; never an inherited member such as `constructor`. */
export function ownValue<V>(target: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

/** What is wrong with a JSON body as a whole: nested too deep, or a text no store keeps as sent. */
export interface BodyProblem {
  path: (string | number)[];
  problem: 'depth' | 'text';
}

/**
 * The first problem of a parsed JSON body, walking it once without recursion: a value nested deeper
 * than `maxDepth`, or a string (key or value) holding U+0000 or an unpaired surrogate, which
 * PostgreSQL refuses and SQLite would give back altered, so both backends refuse them alike.
 * `text`, the body as sent, lets a body without a suspicious escape skip the look at every string.
 */
export function bodyProblem(value: unknown, maxDepth: number, text?: string): BodyProblem | undefined {
  const badText = (t: string) => t.includes('\u0000') || !t.isWellFormed();
  if (typeof value === 'string') return badText(value) ? { path: [], problem: 'text' } : undefined;
  // Fast path for the common case: nothing nested too deep, and (when the body's text is given) no
  // escape in it that could make U+0000 or a lone surrogate. Valid UTF-8 holds no surrogate, and
  // JSON.parse refuses a raw U+0000 in a string, so only a \u escape can bring either in.
  if (!nestsDeeperThan(value, maxDepth) && text !== undefined && !MAYBE_BAD_ESCAPE.test(text))
    return undefined;
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [
    { value, depth: 1, path: [] },
  ];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number; path: (string | number)[] };
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > maxDepth) return { path: next.path, problem: 'depth' };
    for (const [key, child] of entriesOf(next.value)) {
      if ((typeof key === 'string' && badText(key)) || (typeof child === 'string' && badText(child)))
        return { path: [...next.path, key], problem: 'text' };
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: next.depth + 1, path: [...next.path, key] });
    }
  }
  return undefined;
}

/** A JSON escape of U+0000 or of a UTF-16 surrogate (`\u0000`, `\uD800`-`\uDFFF`), in any case. */
const MAYBE_BAD_ESCAPE = /\\u(0000|[dD][89a-fA-F])/;
