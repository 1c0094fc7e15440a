/**
 * How a batch of event writes, and its answers, cross between the main thread and the SQLite thread
 * (issue 16). A structured clone of 100 packed writes copies every object and property name one by
 * one, and building them again on the far side was the SQLite thread's largest cost outside SQLite;
 * strings cross as one copy each. So a batch crosses as two strings: the columns of every write as
 * one JSON array, and their bodies joined by newlines (a JSON text never holds a raw newline: they
 * are escaped inside strings). When every event of the batch was stored as new, which is nearly
 * always, the answer crosses as its objectIds joined by commas (decimal ids never hold one).
 */
import type { EventWrite } from '../../domain/store.js';
import { type PackedEventWrite, type PackedResult, packEventWrite } from './packed-event-write.js';

export interface CrossingWrites {
  /** JSON: one array per write, in `Columns` order. */
  columns: string;
  /** The writes' `body` JSON, joined by '\n'. */
  bodies: string;
}

type Columns = [
  portalId: number,
  templateId: number,
  eventId: string,
  objectType: string,
  timestamp: number,
  createdAt: number,
  fingerprint: string,
  idIsNew: 0 | 1,
  record: PackedEventWrite['record'],
  stamps: PackedEventWrite['stamps'],
];

export function writesToCrossing(writes: EventWrite[]): CrossingWrites {
  const columns: Columns[] = new Array(writes.length);
  const bodies: string[] = new Array(writes.length);
  for (let i = 0; i < writes.length; i++) {
    const w = packEventWrite(writes[i] as EventWrite);
    columns[i] = [
      w.portalId,
      w.templateId,
      w.eventId,
      w.objectType,
      w.timestamp,
      w.createdAt,
      w.fingerprint,
      w.idIsNew ? 1 : 0,
      w.record,
      w.stamps,
    ];
    bodies[i] = w.body;
  }
  return { columns: JSON.stringify(columns), bodies: bodies.join('\n') };
}

export function writesFromCrossing(crossing: CrossingWrites): PackedEventWrite[] {
  const columns = JSON.parse(crossing.columns) as Columns[];
  if (columns.length === 0) return []; // ''.split gives one empty body
  const bodies = crossing.bodies.split('\n');
  if (bodies.length !== columns.length) throw new Error('crossing: bodies and columns differ in count');
  return columns.map((c, i) => ({
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
    body: bodies[i] as string,
  }));
}

/** The answers as they cross back: objectIds joined by ',' when all are new events, else as they are. */
export type CrossingResults = string | PackedResult[];

export function resultsToCrossing(results: PackedResult[]): CrossingResults {
  let ids = '';
  for (let i = 0; i < results.length; i++) {
    const result = results[i] as PackedResult;
    if (!result.ok || !('objectId' in result)) return results;
    ids = i === 0 ? result.objectId : `${ids},${result.objectId}`;
  }
  return results.length === 0 ? results : ids;
}

export function resultsFromCrossing(crossing: CrossingResults): PackedResult[] {
  if (typeof crossing !== 'string') return crossing;
  return crossing.split(',').map((objectId) => ({ ok: true, objectId }));
}
