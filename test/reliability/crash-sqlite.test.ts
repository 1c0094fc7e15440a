/**
 * Crash safety on SQLite: the real server SIGKILLed during sustained ingestion, again
 * and again, on one file. After each kill, with the server down, the file is opened read-only:
 * `PRAGMA integrity_check` must be `ok` and no probe event may be half-written; after each restart
 * every event acknowledged before the kill reads back identical. See crash-cycles.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { StoredProbe } from '../helpers/ingestion-load.js';
import { SERVE_CREDENTIALS } from '../helpers/serve-process.js';
import { killCount, runCrashCycles } from './crash-cycles.js';

const dir = mkdtempSync(join(tmpdir(), 'crash-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function readOnly<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('crash safety on SQLite', () => {
  it('survives SIGKILL at random moments of sustained ingestion, losing nothing acknowledged', {
    timeout: 60_000 + killCount() * 15_000,
  }, async () => {
    const db = join(dir, 'crash.db');
    const report = await runCrashCycles({
      label: 'SQLite',
      db,
      checkDown: async () =>
        readOnly(db, (conn) => {
          const result = conn.pragma('integrity_check', { simple: true });
          return result === 'ok' ? [] : [`integrity_check: ${String(result)}`];
        }),
      readStored: async (): Promise<StoredProbe> =>
        readOnly(db, (conn) => {
          const hasEvents = conn
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timeline_events'")
            .get();
          if (!hasEvents) return { events: [], stamps: [] };
          const events = conn
            .prepare(
              `SELECT e.event_id AS eventId, CAST(e.object_id AS TEXT) AS objectId
                 FROM timeline_events e JOIN event_templates t ON t.id = e.template_id
                 WHERE e.portal_id = ? AND t.name = 'Crash probe'`,
            )
            .all(SERVE_CREDENTIALS.portalId) as StoredProbe['events'];
          const stamps = conn
            .prepare(
              `SELECT json_extract(properties, '$.crash_ref') AS ref, CAST(id AS TEXT) AS objectId
                 FROM crm_records
                 WHERE portal_id = ? AND object_type = 'contacts' AND json_extract(properties, '$.crash_ref') IS NOT NULL`,
            )
            .all(SERVE_CREDENTIALS.portalId) as StoredProbe['stamps'];
          return { events, stamps };
        }),
    });
    assert.ok(report.kills >= killCount(), `${report.kills} kills`);
    assert.ok(report.acknowledged > 0, 'some events were acknowledged');
    assert.deepEqual(report.problems, []);
  });
});
