/**
 * Writes exported events in a form `events import` reads back unchanged: TimelineEvent inputs
 * (HubSpot's create fields only; what the server adds, such as createdAt, objectType or a rendered
 * header, is left out). A contact event that was sent with an email or utk is written with that
 * and without the objectId it resolved to, so it resolves to the same person on any target (record
 * ids differ between portals). NDJSON, or CSV whose columns are named after the fields so the
 * import maps them without --map.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';

const FIELDS = ['eventTemplateId', 'id', 'objectId', 'email', 'utk', 'domain', 'timestamp'] as const;
const JSON_FIELDS = ['extraData', 'timelineIFrame'] as const;

export function toImportable(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const portable = event.email !== undefined || event.utk !== undefined;
  for (const field of FIELDS) {
    if (field === 'objectId' && portable) continue;
    if (event[field] !== undefined) out[field] = event[field];
  }
  out.tokens = event.tokens ?? {};
  for (const field of JSON_FIELDS) if (event[field] !== undefined) out[field] = event[field];
  return out;
}

export interface EventOutput {
  write(event: Record<string, unknown>): Promise<void>;
  /** Writes what must be there even with no event (the CSV header). */
  finish(): Promise<void>;
}

/** Where the text goes: resolves once it may be given more (the stream has drained). */
export type Sink = (text: string) => Promise<void>;

/** A sink onto a stream that stays open whatever happens (stdout). */
export function streamSink(stream: Writable): Sink {
  return async (text) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
}

export function ndjsonOutput(put: Sink): EventOutput {
  return {
    write: (event) => put(`${JSON.stringify(toImportable(event))}\n`),
    finish: async () => {},
  };
}

/** CSV needs its columns before the first row: the token names come from the templates. */
export function csvOutput(put: Sink, tokenNames: readonly string[]): EventOutput {
  const columns = [...FIELDS, ...tokenNames.map((name) => `tokens.${name}`), ...JSON_FIELDS];
  let headerWritten = false;
  const header = async () => {
    if (headerWritten) return;
    headerWritten = true;
    await put(stringify([columns]));
  };
  return {
    finish: header,
    write: async (event) => {
      await header();
      const importable = toImportable(event);
      const tokens = (importable.tokens ?? {}) as Record<string, unknown>;
      const row = columns.map((column) => {
        const value = column.startsWith('tokens.')
          ? tokens[column.slice('tokens.'.length)]
          : importable[column];
        if (value === undefined || value === null) return '';
        return typeof value === 'object' ? JSON.stringify(value) : String(value);
      });
      await put(stringify([row]));
    },
  };
}
