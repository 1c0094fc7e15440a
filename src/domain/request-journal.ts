/**
 * The request journal behind `GET /_admin/v1/requests`: the last `size` requests on HubSpot's routes,
 * newest first, in a fixed ring (memory is bounded whatever the traffic). Secrets never enter it:
 * the HTTP hook records no header at all, and the path's query goes through `redactQuery` first.
 */

/** Request bodies and error bodies are cut to this many characters (UTF-16 code units). */
export const JOURNAL_BODY_LIMIT = 4096;

export interface JournalEntry {
  /** ISO time the request arrived (the server's clock, so it moves with `POST /_admin/v1/clock`). */
  time: string;
  method: string;
  /** The path with its query, credentials redacted. */
  path: string;
  /** The portal of the access token, when the request was authenticated by one. */
  portalId?: number;
  /** The app of the credential, when known. */
  appId?: number;
  status: number;
  durationMs: number;
  correlationId: string;
  /** The request body as sent, cut to JOURNAL_BODY_LIMIT; absent when there was none. */
  requestBody?: string;
  /** The response body of an error (status 400 and above), cut the same way. */
  responseBody?: string;
  /** Set when a body was cut. */
  truncated?: boolean;
  /** Set when an injected fault answered the request (its id). */
  faultId?: string;
}

export interface JournalFilter {
  /** A path prefix, or a glob when it has `*`, `?` or `[` (matched by the caller's matcher). */
  pathMatches?: (path: string) => boolean;
  method?: string;
  status?: number;
  portalId?: number;
  limit?: number;
}

export class RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly size: number) {
    this.ring = new Array(size);
  }

  record(entry: JournalEntry): void {
    if (this.size === 0) return;
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count += 1;
  }

  /** Newest first, filtered, at most `filter.limit` entries. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = filter.limit ?? this.size;
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const entry = this.ring[(this.next - i + this.size) % this.size] as JournalEntry;
      if (filter.method !== undefined && entry.method !== filter.method) continue;
      if (filter.status !== undefined && entry.status !== filter.status) continue;
      if (filter.portalId !== undefined && entry.portalId !== filter.portalId) continue;
      if (filter.pathMatches && !filter.pathMatches(entry.path.split('?')[0] ?? '')) continue;
      out.push(entry);
    }
    return out;
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
    this.clear();
    for (const entry of kept) this.record(entry);
  }
}

/** The text cut to JOURNAL_BODY_LIMIT, and whether it was cut. */
export function cutBody(text: string): { text: string; cut: boolean } {
  return text.length > JOURNAL_BODY_LIMIT
    ? { text: text.slice(0, JOURNAL_BODY_LIMIT), cut: true }
    : { text, cut: false };
}
