/**
 * CSV with a header row, each row an event through the column mapping; a row whose cell count is
 * not the header's is an input error of its line. csv-parse handles quoting,
 * embedded newlines and CRLF; it is pulled row by row so the file is never held whole.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { textChunks } from './chunks.js';
import { type CsvMapping, mappingFor, rowToEvent } from './csv-mapping.js';
import type { ByteCounter, InputRecord } from './input-record.js';

type Explicit = Parameters<typeof mappingFor>[1];

export async function* readCsv(
  stream: AsyncIterable<Buffer | string>,
  counter: ByteCounter,
  explicit: Explicit,
  onHeader: (ignored: string[]) => void,
): AsyncGenerator<InputRecord> {
  const parser = Readable.from(textChunks(stream, counter)).pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let header: string[] | undefined;
  let mapping: CsvMapping | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const { record, info } = item;
    if (!header) {
      header = record;
      const chosen = mappingFor(header, explicit);
      mapping = chosen.mapping;
      onHeader(chosen.ignored);
      continue;
    }
    const line = info.lines;
    // A row with more or fewer cells than the header (an unquoted comma, a cell left out) would
    // put values under the wrong columns or drop them: it is rejected, never guessed at.
    if (record.length !== header.length) {
      yield {
        position: line,
        line,
        parseError:
          `line ${line}: ${record.length} cells, but the header has ${header.length} columns ` +
          '(quote a cell that holds a comma; leave an empty cell empty between its commas)',
      };
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((column, i) => {
      const cell = record[i];
      if (cell !== undefined) row[column] = cell;
    });
    try {
      yield { position: line, line, value: rowToEvent(row, mapping as CsvMapping) };
    } catch (error) {
      yield { position: line, line, parseError: `line ${line}: ${(error as Error).message}` };
    }
  }
}
