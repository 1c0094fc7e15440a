/**
 * `Store.reset` in PostgreSQL. Every tenant table is listed here, once: a table added later is added
 * to TENANT_TABLES (with the column that names its portal, or `null` when its rows belong to apps or
 * developer accounts and not to a portal), and reset covers it. Sequences are not restarted: ids are
 * never reused, as on HubSpot.
 */
import type pg from 'pg';
import type { ResetScope } from '../../domain/store.js';
import { transaction } from './postgres-pool.js';

/** Every table of tenant data, and its portal column (`null`: not a portal's, kept by a portal reset). */
export const TENANT_TABLES: readonly { table: string; portalColumn: string | null }[] = [
  { table: 'timeline_events', portalColumn: 'portal_id' },
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

export class PostgresReset {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Everything: one TRUNCATE of every table (milliseconds, whatever their size). One portal: a
   * DELETE per portal table, in one transaction.
   */
  async reset(scope: ResetScope): Promise<void> {
    const { portalId } = scope;
    if (portalId === undefined) {
      await this.pool.query(`TRUNCATE ${TENANT_TABLES.map((t) => t.table).join(', ')}`);
      return;
    }
    await transaction(this.pool, async (client) => {
      for (const { table, portalColumn } of TENANT_TABLES) {
        if (portalColumn) await client.query(`DELETE FROM ${table} WHERE ${portalColumn} = $1`, [portalId]);
      }
    });
  }
}
