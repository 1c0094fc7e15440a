/**
 * `Store.reset` in PostgreSQL, over the tenant tables both adapters share (`../tenant-tables.ts`,
 * where a table added later is listed). Sequences are not restarted: ids are
 * never reused, as on HubSpot.
 */
import type pg from 'pg';
import type { ResetScope } from '../../domain/store.js';
import { TENANT_TABLES } from '../tenant-tables.js';
import { transaction } from './postgres-pool.js';

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
