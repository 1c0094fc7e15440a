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
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [
    { value, depth: 1, path: [] },
  ];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number; path: (string | number)[] };
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > limit) return next.path;
    const entries: [string | number, unknown][] = Array.isArray(next.value)
      ? next.value.map((item, index) => [index, item])
      : Object.entries(next.value);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: next.depth + 1, path: [...next.path, key] });
    }
  }
  return undefined;
}

/** A JSON path as the error's `in` names it: `inputs[0].extraData.a[3]`. */
export function pathText(path: readonly (string | number)[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Sets `key` as an own, enumerable data property whatever its name (issue 12): a plain assignment
 * with the key `__proto__` changes the object's prototype instead (or, for a string, does nothing),
 * so a token, property or stamp of that name would be lost; this keeps it as data.
 */
export function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
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
 */
export function bodyProblem(value: unknown, maxDepth: number): BodyProblem | undefined {
  const badText = (text: string) => text.includes('\u0000') || !text.isWellFormed();
  if (typeof value === 'string') return badText(value) ? { path: [], problem: 'text' } : undefined;
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [
    { value, depth: 1, path: [] },
  ];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number; path: (string | number)[] };
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > maxDepth) return { path: next.path, problem: 'depth' };
    const entries: [string | number, unknown][] = Array.isArray(next.value)
      ? next.value.map((item, index) => [index, item])
      : Object.entries(next.value);
    for (const [key, child] of entries) {
      if ((typeof key === 'string' && badText(key)) || (typeof child === 'string' && badText(child)))
        return { path: [...next.path, key], problem: 'text' };
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: next.depth + 1, path: [...next.path, key] });
    }
  }
  return undefined;
}
