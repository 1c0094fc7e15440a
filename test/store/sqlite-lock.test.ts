/**
 * One server per SQLite file: the server caches credentials and templates, so a second process on
 * the same file would answer from stale caches. The store holds an exclusive lock for its life; a
 * second store is refused at once with a message that names the file and the way out, and the lock
 * is free again once the first store closes (or its process dies: the operating system drops it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StoreCannotOpenError } from '../../src/domain/store-errors.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteThreadClient } from '../../src/store/sqlite/sqlite-thread-client.js';

const dir = mkdtempSync(join(tmpdir(), 'timeline-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite file lock', () => {
  it('refuses a second store on an open file, naming it, and frees the file on close', async () => {
    const path = join(dir, 'one.db');
    const first = new SqliteStore(path);
    await first.migrate();
    assert.throws(
      () => new SqliteStore(path),
      (error: unknown) =>
        error instanceof StoreCannotOpenError &&
        error.message.includes(path) &&
        /another process holds it/.test(error.message) &&
        /PostgreSQL/.test(error.message),
    );
    await first.close();
    const second = new SqliteStore(path);
    await second.migrate();
    await second.close();
  });

  it('keeps the error type and message across the SQLite thread', async () => {
    const path = join(dir, 'two.db');
    const first = new SqliteThreadClient(path);
    await first.migrate();
    const second = new SqliteThreadClient(path);
    await assert.rejects(
      second.migrate(),
      (error: unknown) => error instanceof StoreCannotOpenError && error.message.includes(path),
    );
    await second.close();
    await first.close();
  });
});
