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

export function packEventWrite(write: EventWrite): PackedEventWrite {
  const { event } = write;
  return {
    portalId: write.portalId,
    templateId: Number(event.eventTemplateId),
    eventId: event.id,
    objectType: event.objectType,
    timestamp: event.timestamp,
    createdAt: event.createdAt,
    fingerprint: write.fingerprint,
    idIsNew: write.idIsNew === true,
    record: write.record,
    stamps: write.stamps,
    body: JSON.stringify(eventBody(event)),
  };
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
