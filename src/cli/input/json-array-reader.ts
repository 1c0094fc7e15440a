/**
 * A JSON array of events, read element by element without holding the array: a small scanner finds
 * where each top-level element ends (tracking strings, escapes and nesting) and parses that text
 * alone. Memory is bounded by the largest single event.
 */
import { textChunks } from './chunks.js';
import type { ByteCounter, InputRecord } from './input-record.js';

export async function* readJsonArray(
  stream: AsyncIterable<Buffer | string>,
  counter: ByteCounter,
): AsyncGenerator<InputRecord> {
  let state: 'before' | 'between' | 'element' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = '';
  let elementLine = 0;
  let line = 1;
  let index = 0;

  const finish = (): InputRecord => {
    index += 1;
    const text = element.trim();
    element = '';
    try {
      return { position: index, line: elementLine, value: JSON.parse(text) };
    } catch (error) {
      return {
        position: index,
        line: elementLine,
        parseError: `element ${index} (line ${elementLine}) is not JSON: ${(error as Error).message}`,
      };
    }
  };

  for await (const text of textChunks(stream, counter)) {
    let from = 0;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i] as string;
      if (state === 'before' || state === 'between' || state === 'after') {
        if (ch === '\n') line += 1;
        if (/\s/.test(ch)) continue;
        if (state === 'before') {
          if (ch !== '[')
            throw new SyntaxError(`line ${line}: a JSON array must start with '[', found '${ch}'`);
          state = 'between';
          continue;
        }
        if (state === 'after')
          throw new SyntaxError(`line ${line}: unexpected '${ch}' after the array's end`);
        if (ch === ']') {
          state = 'after';
          continue;
        }
        if (ch === ',' && index > 0) continue;
        state = 'element';
        elementLine = line;
        from = i;
        depth = 0;
      }
      // Inside an element.
      if (ch === '\n') line += 1;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth += 1;
      else if (ch === '}' || ch === ']') {
        if (depth === 0) {
          // The array's own ']' right after a scalar element.
          element += text.slice(from, i);
          yield finish();
          state = 'after';
          continue;
        }
        depth -= 1;
      } else if (ch === ',' && depth === 0) {
        element += text.slice(from, i);
        yield finish();
        state = 'between';
      }
    }
    if (state === 'element') element += text.slice(from);
  }
  // `state` is reassigned inside the loop above, which TypeScript's narrowing does not follow here.
  if ((state as string) !== 'after') {
    throw new SyntaxError(`the JSON array ends early, at line ${line}: the file is cut short or missing ']'`);
  }
}
