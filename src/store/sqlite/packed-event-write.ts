/**
 * An event write as the SQLite writer takes it: the columns, and the rest already serialised to
 * the JSON of its `body` column. Packing happens on the main thread, so the SQLite worker neither
 * copies nested token and extraData objects across threads nor serialises them itself; a new
 * event is answered by its objectId alone, and `unpackResults` rebuilds the full answer.
 */

import type { EventWrite, EventWriteResult, RecordRef, StoreFailure } from '../../domain/store.js';
import type { TimelineEvent } from '../../domain/types.js';
import { eventBody } from '../rows.js';

export interface PackedEventWrite {
  portalId: number;
  templateId: number;
  eventId: string;
  objectType: string;
  timestamp: number;
  createdAt: number;
  fingerprint: string;
  /** The server made the id just now: the writer skips looking for a stored event with it. */
  idIsNew: boolean;
  record: RecordRef;
  stamps: Record<string, string>;
  /** JSON of the fields without a column of their own (tokens, extraData, ...). */
  body: string;
}

export type PackedResult =
  | { ok: true; objectId: string }
  | { ok: true; replayed: true; event: TimelineEvent }
  | StoreFailure;

/**
 * A packed write's fields other than its body, in one array: the form in which a batch crosses to
 * the SQLite thread as one JSON text (thread-crossing.ts).
 */
export type PackedColumns = [
  portalId: number,
  templateId: number,
  eventId: string,
  objectType: string,
  timestamp: number,
  createdAt: number,
  fingerprint: string,
  idIsNew: 0 | 1,
  record: RecordRef,
  stamps: Record<string, string>,
];

export function packedColumns(write: EventWrite): PackedColumns {
  const { event } = write;
  return [
    write.portalId,
    Number(event.eventTemplateId),
    event.id,
    event.objectType,
    event.timestamp,
    event.createdAt,
    write.fingerprint,
    write.idIsNew === true ? 1 : 0,
    write.record,
    write.stamps,
  ];
}

/** The JSON of the write's `body` column. */
export function packedBody(write: EventWrite): string {
  return JSON.stringify(eventBody(write.event));
}

export function fromPackedColumns(c: PackedColumns, body: string): PackedEventWrite {
  return {
    portalId: c[0],
    templateId: c[1],
    eventId: c[2],
    objectType: c[3],
    timestamp: c[4],
    createdAt: c[5],
    fingerprint: c[6],
    idIsNew: c[7] === 1,
    record: c[8],
    stamps: c[9],
    body,
  };
}

export function packEventWrite(write: EventWrite): PackedEventWrite {
  return fromPackedColumns(packedColumns(write), packedBody(write));
}

export function unpackResults(writes: EventWrite[], results: PackedResult[]): EventWriteResult[] {
  return results.map((result, i) => {
    if (!result.ok || 'event' in result) return result;
    // The write's event becomes the answer: it gets its objectId in place (a copy of every event of
    // a batch cost as much as building it).
    const event = (writes[i] as EventWrite).event as TimelineEvent;
    event.objectId = result.objectId;
    return { ok: true, replayed: false, event };
  });
}
