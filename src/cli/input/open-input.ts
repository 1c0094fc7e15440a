/**
 * Opens an import's input (a file or `-` for stdin) and picks its reader: by `--format`, else by
 * the file name (.csv, .json, .ndjson/.jsonl), else, for stdin and a name without an extension, by
 * its first non-blank character. Any other extension (.yaml, .tsv, .gz) is refused rather than
 * read as CSV.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { usageError } from '../cli-error.js';
import { readCsv } from './csv-reader.js';
import type { ByteCounter, InputRecord } from './input-record.js';
import { readJsonArray } from './json-array-reader.js';
import { readNdjson } from './ndjson-reader.js';

export const INPUT_FORMATS = ['auto', 'ndjson', 'json', 'csv'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface OpenedInput {
  records: AsyncGenerator<InputRecord>;
  counter: ByteCounter;
  /** Size in bytes when the input is a regular file. */
  size?: number;
  /** The absolute path, or `-`. */
  path: string;
  /** The file's name, used as the default id source. */
  name: string;
  format: Exclude<InputFormat, 'auto'>;
}

export interface OpenOptions {
  format: InputFormat;
  map: Parameters<typeof readCsv>[2];
  onCsvHeader: (ignored: string[]) => void;
}

export async function openInput(file: string, options: OpenOptions): Promise<OpenedInput> {
  const counter: ByteCounter = { bytes: 0 };
  let stream: AsyncIterable<Buffer | string>;
  let size: number | undefined;
  const fromStdin = file === '-';
  if (fromStdin) stream = process.stdin;
  else {
    let isFile = false;
    try {
      const stat = statSync(file);
      isFile = stat.isFile();
      size = stat.size;
    } catch {
      throw usageError(
        `cannot read '${file}': no such file`,
        'give the path of an existing file, or - for stdin',
      );
    }
    if (!isFile)
      throw usageError(`'${file}' is not a regular file`, 'give the path of a file, or - for stdin');
    stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  }
  let format: Exclude<InputFormat, 'auto'>;
  if (options.format !== 'auto') format = options.format;
  else {
    const byName = fromStdin ? undefined : formatByExtension(file);
    if (byName) format = byName;
    else {
      const sniffed = await sniff(stream);
      format = sniffed.format;
      stream = sniffed.stream;
    }
  }
  const records =
    format === 'csv'
      ? readCsv(stream, counter, options.map, options.onCsvHeader)
      : format === 'json'
        ? readJsonArray(stream, counter)
        : readNdjson(stream, counter);
  const opened: OpenedInput = {
    records,
    counter,
    path: fromStdin ? '-' : resolve(file),
    name: fromStdin ? 'stdin' : basename(file),
    format,
  };
  if (size !== undefined) opened.size = size;
  return opened;
}

const EXTENSIONS: Readonly<Record<string, Exclude<InputFormat, 'auto'>>> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.csv': 'csv',
};

/** The format a file's extension names; undefined without one; a usage error for any other. */
function formatByExtension(file: string): Exclude<InputFormat, 'auto'> | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '') return undefined;
  const format = EXTENSIONS[ext];
  if (format !== undefined) return format;
  throw usageError(
    `'${file}' has the extension ${ext}, which events import does not read: it reads NDJSON (.ndjson, .jsonl), a JSON array (.json) and CSV (.csv)`,
    `convert the file to one of them; if it already is one, say which with --format ndjson, --format json or --format csv`,
  );
}

/** Reads the first chunk to decide: '[' is a JSON array, '{' NDJSON, anything else CSV. */
async function sniff(
  stream: AsyncIterable<Buffer | string>,
): Promise<{ format: Exclude<InputFormat, 'auto'>; stream: AsyncIterable<Buffer | string> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done
    ? ''
    : String(first.value)
        .replace(/^\uFEFF/, '')
        .trimStart();
  const format = head.startsWith('[') ? 'json' : head.startsWith('{') || head === '' ? 'ndjson' : 'csv';
  async function* rejoined(): AsyncGenerator<Buffer | string> {
    if (!first.done) yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { format, stream: rejoined() };
}
