/**
 * Tenants and credentials in SQLite: server settings (`meta`), portals, developer accounts, apps and
 * access tokens. Statements are prepared once; each call is one statement, atomic on its own.
 */
import type Database from 'better-sqlite3';
import type { StoreFailure } from '../../domain/store.js';
import type { AccessToken, App, DeveloperAccount, Portal } from '../../domain/types.js';

interface AccessTokenRow {
  token: string;
  portal_id: number;
  app_id: number;
  scopes: string;
  expires_at: number | null;
}

export class SqliteTenants {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      upsertPortal: db.prepare(
        'INSERT INTO portals (id, time_zone) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone',
      ),
      getPortal: db.prepare<[number], { id: number; time_zone: string }>(
        'SELECT id, time_zone FROM portals WHERE id = ?',
      ),
      insertDeveloperAccount: db.prepare(
        'INSERT INTO developer_accounts (api_key) VALUES (?) ON CONFLICT (api_key) DO NOTHING',
      ),
      findDeveloperAccount: db.prepare<[string], { id: number; api_key: string }>(
        'SELECT id, api_key FROM developer_accounts WHERE api_key = ?',
      ),
      insertApp: db.prepare(
        'INSERT INTO apps (id, developer_account_id) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      findApp: db.prepare<[number], { id: number; developer_account_id: number }>(
        'SELECT id, developer_account_id FROM apps WHERE id = ?',
      ),
      upsertAccessToken: db.prepare(
        `INSERT INTO access_tokens (token, portal_id, app_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (token) DO UPDATE SET portal_id = excluded.portal_id, app_id = excluded.app_id, scopes = excluded.scopes,
           expires_at = excluded.expires_at`,
      ),
      findAccessToken: db.prepare<[string], AccessTokenRow>('SELECT * FROM access_tokens WHERE token = ?'),
    };
  }

  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  ensurePortal(portal: Portal): void {
    this.statements.upsertPortal.run(portal.id, portal.timeZone);
  }

  getPortal(portalId: number): Portal | undefined {
    const row = this.statements.getPortal.get(portalId);
    return row && { id: row.id, timeZone: row.time_zone };
  }

  ensureDeveloperAccount(apiKey: string): DeveloperAccount {
    this.statements.insertDeveloperAccount.run(apiKey);
    return this.findDeveloperAccount(apiKey) as DeveloperAccount;
  }

  findDeveloperAccount(apiKey: string): DeveloperAccount | undefined {
    const row = this.statements.findDeveloperAccount.get(apiKey);
    return row && { id: row.id, apiKey: row.api_key };
  }

  /** Creates the app; fails when another developer account owns that id. */
  ensureApp(app: App): { ok: true } | StoreFailure {
    this.statements.insertApp.run(app.id, app.developerAccountId);
    if (this.findApp(app.id)?.developerAccountId !== app.developerAccountId) {
      return { ok: false, code: 'APP_NOT_OWNED', params: { appId: app.id } };
    }
    return { ok: true };
  }

  findApp(appId: number): App | undefined {
    const row = this.statements.findApp.get(appId);
    return row && { id: row.id, developerAccountId: row.developer_account_id };
  }

  ensureAccessToken(token: AccessToken): void {
    this.statements.upsertAccessToken.run(
      token.token,
      token.portalId,
      token.appId,
      JSON.stringify(token.scopes),
      token.expiresAt ?? null,
    );
  }

  findAccessToken(token: string): AccessToken | undefined {
    const row = this.statements.findAccessToken.get(token);
    if (!row) return undefined;
    const found: AccessToken = {
      token: row.token,
      portalId: row.portal_id,
      appId: row.app_id,
      scopes: JSON.parse(row.scopes),
    };
    if (row.expires_at !== null) found.expiresAt = row.expires_at;
    return found;
  }
}
