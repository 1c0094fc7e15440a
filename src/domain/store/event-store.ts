/** Writing timeline events with their record changes, and reading one back by its id. */
import type { TimelineEvent } from '../types.js';
import type { StoreFailure } from './results.js';

/**
 * How to find (or make) the CRM record of an event. The domain picks the variant by HubSpot's
 * precedence (objectId, then utk, then email); the adapter carries it out:
 * - `objectId`: the record must exist (or, with `autoCreate`, is created with that id); `email` sets a
 *   contact's email; `domain` sets a company's domain.
 * - `utk`: a known utk names its contact (and `email` sets its email); an unknown utk with `email` binds
 *   to the contact found or created by that email; an unknown utk alone fails with UTK_NOT_FOUND.
 * - `email`: finds the contact by email (case-insensitive) or creates it.
 */
export type RecordRef =
  | { by: 'objectId'; objectId: string; email?: string; domain?: string }
  | { by: 'utk'; utk: string; email?: string }
  | { by: 'email'; email: string };

export interface EventWrite {
  portalId: number;
  event: Omit<TimelineEvent, 'objectId'>;
  record: RecordRef;
  /** Property name to value, written onto the resolved record with the event. */
  stamps: Record<string, string>;
  /** Identifies the event's content: an identical re-send has the same fingerprint. */
  fingerprint: string;
  /**
   * The server made the event's id for this write (a fresh UUIDv7, alone or in place of `{{uuid}}`):
   * no stored event can have it, so the store need not look for one.
   */
  idIsNew?: true;
}

export interface EventWriteOptions {
  autoCreateRecords: boolean;
  now: number;
  /**
   * All or nothing for the whole batch (app events): when any write fails, none is
   * stored; the failing writes answer their failure and every other write EVENT_NOT_STORED.
   */
  atomic?: boolean;
}
export type EventWriteResult = { ok: true; event: TimelineEvent; replayed: boolean } | StoreFailure;

export interface EventStore {
  /**
   * Writes each event with its record changes in its own all-or-nothing unit (or, with `atomic`,
   * the whole batch as one), in order, and answers one result per write. Returns only after every successful write is durably committed.
   */
  writeEvents(writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]>;
  getEvent(portalId: number, eventTemplateId: string, eventId: string): Promise<TimelineEvent | undefined>;
}
