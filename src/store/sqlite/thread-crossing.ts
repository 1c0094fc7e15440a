/**
 * How a batch of event writes, and its answers, cross between the main thread and the SQLite thread
 * as plain strings. A structured clone of 100 packed writes copies every object and property name one by
 * one, and building them again on the far side was the SQLite thread's largest cost outside SQLite;
 * strings cross as one copy each. So a batch crosses as two strings: the columns of every write as
 * one JSON array, and their bodies joined by newlines (a JSON text never holds a raw newline: they
 * are escaped inside strings). When every event of the batch was stored as new, which is nearly
 * always, the answer crosses as its objectIds joined by commas (decimal ids never hold one).
 */
import type { EventWrite } from '../../domain/store.js';
import {
  fromPackedColumns,
  type PackedColumns,
  type PackedEventWrite,
  type PackedResult,
  packedBody,
  packedColumns,
} from './packed-event-write.js';

export interface CrossingWrites {
  /** JSON: the `PackedColumns` of every write. */
  columns: string;
  /** The writes' `body` JSON, joined by '\n'. */
  bodies: string;
}

export function writesToCrossing(writes: EventWrite[]): CrossingWrites {
  return { columns: JSON.stringify(writes.map(packedColumns)), bodies: writes.map(packedBody).join('\n') };
}

export function writesFromCrossing(crossing: CrossingWrites): PackedEventWrite[] {
  const columns = JSON.parse(crossing.columns) as PackedColumns[];
  if (columns.length === 0) return []; // ''.split gives one empty body
  const bodies = crossing.bodies.split('\n');
  if (bodies.length !== columns.length) throw new Error('crossing: bodies and columns differ in count');
  return columns.map((c, i) => fromPackedColumns(c, bodies[i] as string));
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
