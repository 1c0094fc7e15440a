/**
 * Reading a record's timeline in order while filtering what the store cannot: several templates at
 * once (one store read per template, merged in timeline order), what the viewer may see, and a text
 * search over rendered headers and token values. Every page examines a bounded number of events
 * (`budget`): a page that runs out of it ends short, with the position to go on from, rather than
 * reading a large record to its end.
 */
import { Parser } from 'htmlparser2';
import { LRUCache } from 'lru-cache';
import type { Store, TimelinePosition, TimelineQuery } from './store.js';
import type { TimelineEvent } from './types.js';

/** The most one store read asks for. */
const MAX_READ = 200;

/** Event ids are compared as UTF-8 bytes, as both stores order them. */
function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Timeline order (newest first): timestamp, then event id, then template id, all descending. */
export function newestFirst(a: TimelineEvent, b: TimelineEvent): number {
  return (
    b.timestamp - a.timestamp ||
    compareBytes(b.id, a.id) ||
    Number(b.eventTemplateId) - Number(a.eventTemplateId)
  );
}

export function positionOf(event: TimelineEvent): TimelinePosition {
  return { timestamp: event.timestamp, id: event.id, eventTemplateId: event.eventTemplateId };
}

/** One store query's events in order, read as they are needed. */
class QueryStream {
  private buffer: TimelineEvent[] = [];
  private ended = false;

  constructor(
    private readonly store: Store,
    private readonly query: Omit<TimelineQuery, 'limit' | 'after'>,
    private after: TimelinePosition | undefined,
  ) {}

  /** Reads until `n` events wait here or the query has no more. */
  async fill(n: number): Promise<void> {
    while (this.buffer.length < n && !this.ended) {
      const limit = Math.min(MAX_READ, n - this.buffer.length);
      const page = await this.store.readTimeline({
        ...this.query,
        limit,
        ...(this.after ? { after: this.after } : {}),
      });
      this.buffer.push(...page.events);
      if (page.next && page.events.length > 0) this.after = page.next;
      else this.ended = true;
    }
  }

  head(): TimelineEvent | undefined {
    return this.buffer[0];
  }

  /**
   * Whether an event waits here or the store has more: it answers `next` only when an event follows
   * its page (it reads one more than asked), so knowing costs no read.
   */
  hasMore(): boolean {
    return this.buffer.length > 0 || !this.ended;
  }

  shift(): void {
    this.buffer.shift();
  }
}

/** A record's events in timeline order: of one query, or of one query per template, merged. */
export class TimelineStream {
  private readonly streams: QueryStream[];

  constructor(
    store: Store,
    query: Omit<TimelineQuery, 'limit' | 'after' | 'eventTemplateId'>,
    eventTemplateIds: readonly string[],
    after: TimelinePosition | undefined,
  ) {
    this.streams =
      eventTemplateIds.length === 0
        ? [new QueryStream(store, query, after)]
        : eventTemplateIds.map(
            (eventTemplateId) => new QueryStream(store, { ...query, eventTemplateId }, after),
          );
  }

  /** The next `n` events (fewer only at the end of the timeline). */
  async take(n: number): Promise<TimelineEvent[]> {
    // Each stream holds `n` (or all it has left): the next `n` in order are then all in hand.
    await Promise.all(this.streams.map((stream) => stream.fill(n)));
    const taken: TimelineEvent[] = [];
    while (taken.length < n) {
      let best: QueryStream | undefined;
      for (const stream of this.streams) {
        const head = stream.head();
        const bestHead = best?.head();
        if (head && (!bestHead || newestFirst(head, bestHead) < 0)) best = stream;
      }
      const next = best?.head();
      if (!best || !next) break;
      taken.push(next);
      best.shift();
    }
    return taken;
  }

  hasMore(): boolean {
    return this.streams.some((stream) => stream.hasMore());
  }
}

export interface ScanOptions {
  limit: number;
  /** The most events one page examines. */
  budget: number;
  /** How many events to read at a time: the events still wanted, or more when most are skipped. */
  chunk: (wanted: number) => number;
}

export interface ScanResult<T> {
  entries: T[];
  /** Where the next page starts, when the timeline goes on. */
  next?: TimelinePosition;
  /** Events examined. */
  examined: number;
  /** Whether the page ended on its budget rather than full or at the timeline's end. */
  exhausted: boolean;
  /** The last event examined, when the page ended on its budget. */
  lastExamined?: TimelineEvent;
}

/** Up to `limit` accepted entries in timeline order, examining at most `budget` events. */
export async function scan<T>(
  stream: TimelineStream,
  accept: (event: TimelineEvent) => Promise<T | undefined>,
  options: ScanOptions,
): Promise<ScanResult<T>> {
  const entries: T[] = [];
  let examined = 0;
  let last: TimelineEvent | undefined;
  let leftOver = false;
  while (entries.length < options.limit && examined < options.budget) {
    const want = Math.min(options.chunk(options.limit - entries.length), options.budget - examined);
    const batch = await stream.take(want);
    for (const [i, event] of batch.entries()) {
      examined += 1;
      last = event;
      const entry = await accept(event);
      if (entry !== undefined) entries.push(entry);
      if (entries.length >= options.limit) {
        leftOver = i < batch.length - 1;
        break;
      }
    }
    if (batch.length < want) return { entries, examined, exhausted: false };
  }
  const more = leftOver || stream.hasMore();
  if (!more || !last) return { entries, examined, exhausted: false };
  const exhausted = entries.length < options.limit;
  return {
    entries,
    next: positionOf(last),
    examined,
    exhausted,
    ...(exhausted ? { lastExamined: last } : {}),
  };
}

/** Header HTML's text, decoded; kept for the HTML strings met last (a search meets them again). */
const texts = new LRUCache<string, string>({ max: 5_000 });

export function htmlText(html: string): string {
  let text = texts.get(html);
  if (text === undefined) {
    let out = '';
    const parser = new Parser(
      {
        ontext: (chunk) => {
          out += chunk;
        },
        // Words of two paragraphs stay two words.
        onclosetag: () => {
          out += ' ';
        },
      },
      { decodeEntities: true },
    );
    parser.write(html);
    parser.end();
    text = out;
    texts.set(html, text);
  }
  return text;
}

/** Whether the event's rendered header or one of its token values contains `q` (lower-cased). */
export function matchesText(q: string, event: TimelineEvent, headerHtml: string): boolean {
  for (const value of Object.values(event.tokens)) if (value.toLowerCase().includes(q)) return true;
  return htmlText(headerHtml).toLowerCase().includes(q);
}
