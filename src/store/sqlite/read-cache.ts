/**
 * A small cache of the lookups every event request makes (access token, template, portal), kept on
 * the main thread so they cost no round trip to the SQLite worker. It is exact, not a TTL cache:
 * one process owns the SQLite file, and every change to these rows passes through the same
 * WorkerSqliteStore, which drops the entry it changes.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    let value = this.entries.get(key);
    if (!value) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      value = load();
      this.entries.set(key, value);
      // Misses and failures are not remembered: the row may be created next (a template id is
      // looked up before its template exists), and a failed load is tried again.
      value.then(
        (found) => found === undefined && this.entries.delete(key),
        () => this.entries.delete(key),
      );
    }
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
