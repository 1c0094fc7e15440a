/** Newline-delimited JSON: one event per line; blank lines are skipped, a bad line is one reject. */
import { textChunks } from './chunks.js';
import type { ByteCounter, InputRecord } from './input-record.js';

export async function* readNdjson(
  stream: AsyncIterable<Buffer | string>,
  counter: ByteCounter,
): AsyncGenerator<InputRecord> {
  let pending = '';
  let line = 0;
  for await (const text of textChunks(stream, counter)) {
    pending += text;
    let start = 0;
    for (let end = pending.indexOf('\n', start); end !== -1; end = pending.indexOf('\n', start)) {
      line += 1;
      const record = parseLine(pending.slice(start, end), line);
      if (record) yield record;
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  if (pending.length > 0) {
    const record = parseLine(pending, line + 1);
    if (record) yield record;
  }
}

function parseLine(raw: string, line: number): InputRecord | undefined {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.trim() === '') return undefined;
  try {
    return { position: line, line, value: JSON.parse(text) };
  } catch (error) {
    return { position: line, line, parseError: `line ${line} is not JSON: ${(error as Error).message}` };
  }
}
