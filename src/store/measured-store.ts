/**
 * A store whose event writes are measured: the latency and size of every `writeEvents` call go to
 * an observer (the server's `/metrics`), every other method passes through untouched. Wired in
 * `server.ts`, so neither the domain nor the adapters know of metrics.
 */
import type { Store } from '../domain/store.js';

/** Where the measurements go. */
export interface StoreWriteObserver {
  /** A `writeEvents` call took `seconds` (queueing for the writer, the write, its commit) for `events` writes. */
  observeWrite(seconds: number, events: number): void;
}

export function measuredStore(store: Store, observer: StoreWriteObserver): Store {
  const writeEvents: Store['writeEvents'] = async (writes, options) => {
    const started = process.hrtime.bigint();
    try {
      return await store.writeEvents(writes, options);
    } finally {
      observer.observeWrite(Number(process.hrtime.bigint() - started) / 1e9, writes.length);
    }
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'writeEvents') return writeEvents;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
