/**
 * What `GET /metrics` shows, in Prometheus text format through prom-client. One registry
 * per app, so servers started side by side in one process (the tests) never mix their counts.
 * Every name, its labels and what to alert on are listed in docs/operations.md.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EventApi, IntakeCounter } from '../domain/events/event-intake.js';
import type { StoreWriteObserver } from '../store/measured-store.js';

/** The event intake, whose waiting event-create requests are shown by API. */
export interface PendingWrites {
  pendingWrites(api: EventApi): number;
}

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, event-loop lag, GC), collected once per process: they
 * describe the process, not a server, and each collection starts monitors that are never stopped,
 * so one per server would leak when a test suite starts hundreds.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'timeline_' });
  }
  return processRegistry;
}

export class Metrics implements IntakeCounter, StoreWriteObserver {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'timeline_http_requests_total',
    help: 'HTTP requests answered, by method, route (the path pattern) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'timeline_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly eventsCreated = new Counter({
    name: 'timeline_events_created_total',
    help: 'Timeline events stored (v3 events and app event occurrences)',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });

  readonly eventsRejected = new Counter({
    name: 'timeline_events_rejected_total',
    help: 'Timeline events refused (invalid, unknown template or record, id in use, or a failed batch)',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });

  readonly storeWriteDuration = new Histogram({
    name: 'timeline_store_write_duration_seconds',
    help: 'Time of one event write call to the store: queueing for the writer, the write and its commit',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly storeWriteEvents = new Histogram({
    name: 'timeline_store_write_events',
    help: 'Events in one event write call to the store (one request; the SQLite writer may commit several calls together)',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  /**
   * Requests refused by a rate limit (HubSpot's 429s). The rate limiter increments it with the limit's name (`secondly`, `daily`, ...).
   */
  readonly rateLimitRefusals = new Counter({
    name: 'timeline_rate_limit_refusals_total',
    help: 'Requests answered 429 by a rate limit, by the limit refused',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  private intake: PendingWrites | undefined;

  constructor() {
    const intake = () => this.intake;
    new Gauge({
      name: 'timeline_write_queue_depth',
      help: 'Event-create requests waiting for the store now, by API (more than --max-pending-writes answer 503)',
      labelNames: ['api'] as const,
      registers: [this.registry],
      collect() {
        const queue = intake();
        if (!queue) return;
        for (const api of ['v3', 'app-events'] as const) this.set({ api }, queue.pendingWrites(api));
      },
    });
  }

  /** Everything `GET /metrics` answers: this server's metrics and the process's. */
  async text(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }

  /** The intake whose waiting writes `timeline_write_queue_depth` shows. */
  showQueueDepth(intake: PendingWrites): void {
    this.intake = intake;
  }

  countEvents(api: EventApi, created: number, rejected: number): void {
    if (created > 0) this.eventsCreated.inc({ api }, created);
    if (rejected > 0) this.eventsRejected.inc({ api }, rejected);
  }

  /** A store's event write (store/measured-store.ts): its duration and how many events it held. */
  observeWrite(seconds: number, events: number): void {
    this.storeWriteDuration.observe(seconds);
    this.storeWriteEvents.observe(events);
  }
}
