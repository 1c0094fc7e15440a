/**
 * `Store.reset` in SQLite. Every tenant table is listed here, once: a table added later is added to
 * TENANT_TABLES (with the column that names its portal, or `null` when its rows belong to apps or
 * developer accounts and not to a portal), and reset covers it.
 */
import type Database from 'better-sqlite3';
import type { ResetScope } from '../../domain/store.js';

/** Every table of tenant data, and its portal column (`null`: not a portal's, kept by a portal reset). */
export const TENANT_TABLES: readonly { table: string; portalColumn: string | null }[] = [
  { table: 'timeline_events', portalColumn: 'portal_id' },
  { table: 'timeline_record_index', portalColumn: 'portal_id' },
  { table: 'timeline_record_activity', portalColumn: 'portal_id' },
  { table: 'object_schemas', portalColumn: 'portal_id' },
  { table: 'oauth_codes', portalColumn: 'portal_id' },
  { table: 'oauth_refresh_tokens', portalColumn: 'portal_id' },
  { table: 'oauth_clients', portalColumn: null },
  { table: 'contact_utks', portalColumn: 'portal_id' },
  { table: 'crm_records', portalColumn: 'portal_id' },
  { table: 'access_tokens', portalColumn: 'portal_id' },
  { table: 'request_counts_seconds', portalColumn: 'portal_id' },
  { table: 'request_counts_daily', portalColumn: 'portal_id' },
  { table: 'portals', portalColumn: 'id' },
  { table: 'event_templates', portalColumn: null },
  { table: 'apps', portalColumn: null },
  { table: 'developer_accounts', portalColumn: null },
];

export class SqliteReset {
  private readonly everything: Database.Statement[];
  private readonly onePortal: Database.Statement[];

  constructor(private readonly db: Database.Database) {
    this.everything = TENANT_TABLES.map(({ table }) => db.prepare(`DELETE FROM ${table}`));
    this.onePortal = TENANT_TABLES.flatMap(({ table, portalColumn }) =>
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
