/**
 * The SQLite file holds several companies' customer data: only its owner may read it. A new database
 * file (and the WAL beside it) is created 0600 whatever the umask; an existing file others could
 * read is narrowed when the store opens it.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'timeline-mode-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('SQLite file permissions', () => {
  it('creates the database and its WAL readable by the owner only, whatever the umask', async () => {
    const before = process.umask(0o022);
    try {
      const path = join(dir, 'new.db');
      const store = new SqliteStore(path);
      await store.migrate();
      await store.setMeta('k', 'v');
      assert.equal(mode(path), 0o600);
      assert.ok(existsSync(`${path}-wal`));
      assert.equal(mode(`${path}-wal`), 0o600);
      await store.close();
    } finally {
      process.umask(before);
    }
  });

  it('narrows an existing file that others could read', async () => {
    const path = join(dir, 'old.db');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const store = new SqliteStore(path);
    await store.migrate();
    assert.equal(mode(path), 0o600);
    await store.close();
  });
});
