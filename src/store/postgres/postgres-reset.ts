/**
 * `Store.reset` in PostgreSQL, over the tenant tables both adapters share (`../tenant-tables.ts`,
 * where a table added later is listed), in one transaction that also writes the start credentials
 * back as provisioned, so a reader sees the data before or after and never finds them missing.
 * Sequences are not restarted: ids are never reused, as on HubSpot.
 */
import type pg from 'pg';
import type { KeptCredentials, ResetScope } from '../../domain/store.js';
import { resetDeleteSql, resetDeleteValues, TENANT_TABLES } from '../tenant-tables.js';
import { transaction } from './postgres-pool.js';
import { tokenValues, UPSERT_TOKEN } from './postgres-tenants.js';

export class PostgresReset {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Everything: one TRUNCATE of the tables without kept rows (milliseconds, whatever their size),
   * a DELETE of the others. One portal: a DELETE per portal table. Either way in one transaction.
   */
  async reset(scope: ResetScope): Promise<void> {
    const { portalId, keep } = scope;
    await transaction(this.pool, async (client) => {
      if (portalId === undefined) {
        const plain = TENANT_TABLES.filter((t) => !t.kept).map((t) => t.table);
        await client.query(`TRUNCATE ${plain.join(', ')}`);
      }
      for (const table of TENANT_TABLES) {
        if (portalId === undefined && !table.kept) continue;
        const sql = resetDeleteSql(table, portalId !== undefined, (n) => `$${n}`);
        if (sql !== undefined) await client.query(sql, resetDeleteValues(table, portalId, keep));
      }
      await writeBack(client, keep, portalId);
    });
  }
}

/** The start credentials as provisioned (their portal only when the reset is about it). */
async function writeBack(client: pg.PoolClient, keep: KeptCredentials, portalId: number | undefined) {
  const { portal, developerAccount, app, accessToken, oauthClient } = keep;
  if (portalId === undefined || portalId === portal.id) {
    await client.query(
      `INSERT INTO portals (id, time_zone, rate_limit) VALUES ($1, $2, NULL)
       ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone, rate_limit = NULL`,
      [portal.id, portal.timeZone],
    );
  }
  await client.query(
    `INSERT INTO developer_accounts (id, api_key_hash) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET api_key_hash = EXCLUDED.api_key_hash`,
    [developerAccount.id, developerAccount.apiKeyHash],
  );
  await client.query(
    `INSERT INTO apps (id, developer_account_id) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET developer_account_id = EXCLUDED.developer_account_id`,
    [app.id, app.developerAccountId],
  );
  await client.query(UPSERT_TOKEN, tokenValues(accessToken));
  await client.query(
    `INSERT INTO oauth_clients (client_id, client_secret_hash, redirect_uri, app_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (client_id) DO UPDATE SET client_secret_hash = EXCLUDED.client_secret_hash,
       redirect_uri = EXCLUDED.redirect_uri, app_id = EXCLUDED.app_id`,
    [oauthClient.clientId, oauthClient.clientSecretHash, oauthClient.redirectUri, oauthClient.appId],
  );
}
