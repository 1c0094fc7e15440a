/**
 * `Store.reset` in SQLite, over the tenant tables both adapters share (`../tenant-tables.ts`, where
 * a table added later is listed) and SQLite's own timeline index tables.
 */
import type Database from 'better-sqlite3';
import type { ResetScope } from '../../domain/store.js';
import { TENANT_TABLES, type TenantTable } from '../tenant-tables.js';

/** SQLite's per-record timeline order (PostgreSQL reads the event table's own index instead). */
const SQLITE_TENANT_TABLES: readonly TenantTable[] = [
  ...TENANT_TABLES,
  { table: 'timeline_record_index', portalColumn: 'portal_id' },
];

export class SqliteReset {
  private readonly everything: Database.Statement[];
  private readonly onePortal: Database.Statement[];

  constructor(private readonly db: Database.Database) {
    this.everything = SQLITE_TENANT_TABLES.map(({ table }) => db.prepare(`DELETE FROM ${table}`));
    this.onePortal = SQLITE_TENANT_TABLES.flatMap(({ table, portalColumn }) =>
      portalColumn ? [db.prepare(`DELETE FROM ${table} WHERE ${portalColumn} = ?`)] : [],
    );
  }

  /** One transaction: a reader sees the data before or after, never half of it. */
  reset(scope: ResetScope): void {
    this.db
      .transaction(() => {
        if (scope.portalId === undefined) for (const statement of this.everything) statement.run();
        else for (const statement of this.onePortal) statement.run(scope.portalId);
      })
      .immediate();
  }
}
