/**
 * `Store.reset` in SQLite, over the tenant tables both adapters share (`../tenant-tables.ts`, where
 * a table added later is listed) and SQLite's own timeline index tables. The start credentials are
 * kept and written back in the same transaction.
 */
import type Database from 'better-sqlite3';
import type { KeptCredentials, ResetScope } from '../../domain/store.js';
import { resetDeleteSql, resetDeleteValues, TENANT_TABLES, type TenantTable } from '../tenant-tables.js';

/** SQLite's per-record timeline order (PostgreSQL reads the event table's own index instead). */
const SQLITE_TENANT_TABLES: readonly TenantTable[] = [
  ...TENANT_TABLES,
  { table: 'timeline_record_index', portalColumn: 'portal_id' },
];

export class SqliteReset {
  private readonly everything: { statement: Database.Statement; table: TenantTable }[];
  private readonly onePortal: { statement: Database.Statement; table: TenantTable }[];
  private readonly writeBack;

  constructor(private readonly db: Database.Database) {
    const prepare = (onePortal: boolean) =>
      SQLITE_TENANT_TABLES.flatMap((table) => {
        const sql = resetDeleteSql(table, onePortal, () => '?');
        return sql === undefined ? [] : [{ statement: db.prepare(sql), table }];
      });
    this.everything = prepare(false);
    this.onePortal = prepare(true);
    this.writeBack = {
      portal: db.prepare(
        `INSERT INTO portals (id, time_zone, rate_limit) VALUES (?, ?, NULL)
         ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, rate_limit = NULL`,
      ),
      account: db.prepare(
        `INSERT INTO developer_accounts (id, api_key_hash) VALUES (?, ?)
         ON CONFLICT (id) DO UPDATE SET api_key_hash = excluded.api_key_hash`,
      ),
      app: db.prepare(
        `INSERT INTO apps (id, developer_account_id) VALUES (?, ?)
         ON CONFLICT (id) DO UPDATE SET developer_account_id = excluded.developer_account_id`,
      ),
      token: db.prepare(
        `INSERT INTO access_tokens (token_hash, kind, portal_id, app_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (token_hash) DO UPDATE SET kind = excluded.kind, portal_id = excluded.portal_id,
           app_id = excluded.app_id, scopes = excluded.scopes, expires_at = excluded.expires_at`,
      ),
      client: db.prepare(
        `INSERT INTO oauth_clients (client_id, client_secret_hash, redirect_uri, app_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (client_id) DO UPDATE SET client_secret_hash = excluded.client_secret_hash,
           redirect_uri = excluded.redirect_uri, app_id = excluded.app_id`,
      ),
    };
  }

  /** One transaction: a reader sees the data before or after, never half of it, and never no credentials. */
  reset(scope: ResetScope): void {
    const { portalId, keep } = scope;
    this.db
      .transaction(() => {
        const deletes = portalId === undefined ? this.everything : this.onePortal;
        for (const { statement, table } of deletes)
          statement.run(...resetDeleteValues(table, portalId, keep));
        this.keep(keep, portalId);
      })
      .immediate();
  }

  /** The start credentials as provisioned (their portal only when the reset is about it). */
  private keep(keep: KeptCredentials, portalId: number | undefined): void {
    const { portal, developerAccount, app, accessToken, oauthClient } = keep;
    if (portalId === undefined || portalId === portal.id)
      this.writeBack.portal.run(portal.id, portal.timeZone);
    this.writeBack.account.run(developerAccount.id, developerAccount.apiKeyHash);
    this.writeBack.app.run(app.id, app.developerAccountId);
    this.writeBack.token.run(
      accessToken.tokenHash,
      accessToken.kind,
      accessToken.portalId,
      accessToken.appId,
      JSON.stringify(accessToken.scopes),
      accessToken.expiresAt ?? null,
    );
    this.writeBack.client.run(
      oauthClient.clientId,
      oauthClient.clientSecretHash,
      oauthClient.redirectUri,
      oauthClient.appId,
    );
  }
}
