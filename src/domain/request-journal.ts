/**
 * The request journal behind `GET /_admin/v1/requests`: the last `size` requests on HubSpot's routes,
 * newest first, in a fixed ring (memory is bounded whatever the traffic). Secrets never enter it:
 * the HTTP hook records no header at all, and the path's query goes through `redactQuery` first.
 * Code in the same process can be told of each entry as it is recorded (`server.waitForRequest`).
 */
import type { FaultAction } from './fault-kinds.js';

/** Request bodies and answer bodies are cut to this many characters (UTF-16 code units). */
export const JOURNAL_BODY_LIMIT = 4096;
/** At most this many stored event ids are kept for one request (a batch may store thousands). */
export const JOURNAL_ID_LIMIT = 100;

export interface JournalEntry {
  /** ISO time the request arrived (the server's clock, so it follows `POST /_admin/v1/clock`). */
  time: string;
  method: string;
  /** The path with its query, credentials redacted. */
  path: string;
  /** The portal of the access token, when the request was authenticated by one. */
  portalId?: number;
  /** The app of the credential, when known. */
  appId?: number;
  /** The status line the client got; 0 when it got none (a fault reset the connection, or the client hung up first). */
  status: number;
  durationMs: number;
  correlationId: string;
  /** The request body as sent, cut to JOURNAL_BODY_LIMIT; absent when there was none. */
  requestBody?: string;
  /**
   * The answer's body when it is not a plain success: a 207 (its `errors` first, so a cut keeps
   * them) and every 4xx and 5xx, cut the same way.
   */
  responseBody?: string;
  /** The ids of the events a successful write stored (at most JOURNAL_ID_LIMIT). */
  storedEventIds?: string[];
  /** Set when a body or the id list was cut. */
  truncated?: boolean;
  /** The id of the injected fault that answered the request. */
  faultId?: string;
  /** The `X-Timeline-Fault` header that answered the request. */
  faultHeader?: string;
  /** How a fault broke the answer's delivery. */
  action?: FaultAction;
  /** What the route answered, when the client got something else (a fault's answer, or none). */
  routeStatus?: number;
  /** The route ran and succeeded (a write is stored) before a fault broke or replaced its answer. */
  stored?: boolean;
}

/** What the journal is searched by. */
export interface JournalFilter {
  /** A path prefix, or a glob when it has `*`, `?` or `[` (matched by the caller's matcher). */
  pathMatches?: (path: string) => boolean;
  method?: string;
  status?: number;
  portalId?: number;
  limit?: number;
}

export function entryMatches(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.method !== undefined && entry.method !== filter.method) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.portalId !== undefined && entry.portalId !== filter.portalId) return false;
  return !filter.pathMatches || filter.pathMatches(entry.path.split('?')[0] ?? '');
}

export class RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private count = 0;
  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  constructor(readonly size: number) {
    this.ring = new Array(size);
  }

  record(entry: JournalEntry): void {
    if (this.size === 0) return;
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count += 1;
    for (const listener of this.listeners) listener(entry);
  }

  /** Calls `listener` with each entry recorded from now on, until the returned function is called. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Newest first, filtered, at most `filter.limit` entries. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = filter.limit ?? this.size;
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const entry = this.ring[(this.next - i + this.size) % this.size] as JournalEntry;
      if (entryMatches(entry, filter)) out.push(entry);
    }
    return out;
  }

  /** How many entries match (of the last `size` requests: older ones are gone). */
  countOf(filter: JournalFilter = {}): number {
    let n = 0;
    for (let i = 1; i <= this.count; i++) {
      if (entryMatches(this.ring[(this.next - i + this.size) % this.size] as JournalEntry, filter)) n += 1;
    }
    return n;
  }

  /** Forgets every entry, or those of one portal. */
  clear(portalId?: number): void {
    if (portalId === undefined) {
      this.ring.fill(undefined);
      this.next = 0;
      this.count = 0;
      return;
    }
    const kept = this.list()
      .filter((entry) => entry.portalId !== portalId)
      .reverse();
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
    for (const entry of kept) {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.size;
      this.count += 1;
    }
  }
}

/** The text cut to JOURNAL_BODY_LIMIT, and whether it was cut. */
export function cutBody(text: string): { text: string; cut: boolean } {
  return text.length > JOURNAL_BODY_LIMIT
    ? { text: text.slice(0, JOURNAL_BODY_LIMIT), cut: true }
    : { text, cut: false };
}
