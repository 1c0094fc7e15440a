/**
 * Credentials and tenants in PostgreSQL: meta values, portals, developer accounts, apps and access
 * tokens. Each method is one statement or a conflict-free insert followed by a read, so concurrent
 * calls from several processes agree on one row.
 */
import type pg from 'pg';
import type { StoreFailure } from '../../domain/store.js';
import type { AccessToken, App, DeveloperAccount, Portal } from '../../domain/types.js';
import { run } from './postgres-pool.js';

const S = {
  // Every authenticated request reads these two.
  findToken: {
    name: 'tok_find',
    text: 'SELECT token, portal_id, app_id, scopes, expires_at FROM access_tokens WHERE token = $1',
  },
  findApp: { name: 'app_find', text: 'SELECT id, developer_account_id FROM apps WHERE id = $1' },
  findAccount: { name: 'dev_find', text: 'SELECT id, api_key FROM developer_accounts WHERE api_key = $1' },
};

export class PostgresTenants {
  constructor(private readonly pool: pg.Pool) {}

  async getMeta(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, value],
    );
  }

  async ensurePortal(portal: Portal): Promise<void> {
    await this.pool.query(
      `INSERT INTO portals (id, time_zone) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone`,
      [portal.id, portal.timeZone],
    );
  }

  async getPortal(portalId: number): Promise<Portal | undefined> {
    const { rows } = await this.pool.query<{ id: number; time_zone: string }>(
      'SELECT id, time_zone FROM portals WHERE id = $1',
      [portalId],
    );
    const row = rows[0];
    return row && { id: row.id, timeZone: row.time_zone };
  }

  async ensureDeveloperAccount(apiKey: string): Promise<DeveloperAccount> {
    await this.pool.query(
      'INSERT INTO developer_accounts (api_key) VALUES ($1) ON CONFLICT (api_key) DO NOTHING',
      [apiKey],
    );
    return (await this.findDeveloperAccount(apiKey)) as DeveloperAccount;
  }

  async findDeveloperAccount(apiKey: string): Promise<DeveloperAccount | undefined> {
    const [row] = await run<{ id: number; api_key: string }>(this.pool, S.findAccount, [apiKey]);
    return row && { id: row.id, apiKey: row.api_key };
  }

  async ensureApp(app: App): Promise<{ ok: true } | StoreFailure> {
    await this.pool.query(
      'INSERT INTO apps (id, developer_account_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
      [app.id, app.developerAccountId],
    );
    const owner = await this.findApp(app.id);
    if (owner?.developerAccountId !== app.developerAccountId) {
      return { ok: false, code: 'APP_NOT_OWNED', params: { appId: app.id } };
    }
    return { ok: true };
  }

  async findApp(appId: number): Promise<App | undefined> {
    const [row] = await run<{ id: number; developer_account_id: number }>(this.pool, S.findApp, [appId]);
    return row && { id: row.id, developerAccountId: row.developer_account_id };
  }

  async ensureAccessToken(token: AccessToken): Promise<void> {
    await this.pool.query(
      `INSERT INTO access_tokens (token, portal_id, app_id, scopes, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (token) DO UPDATE
       SET portal_id = EXCLUDED.portal_id, app_id = EXCLUDED.app_id, scopes = EXCLUDED.scopes,
         expires_at = EXCLUDED.expires_at`,
      [token.token, token.portalId, token.appId, token.scopes, token.expiresAt ?? null],
    );
  }

  async findAccessToken(token: string): Promise<AccessToken | undefined> {
    const [row] = await run<{
      token: string;
      portal_id: number;
      app_id: number;
      scopes: string[];
      expires_at: number | null;
    }>(this.pool, S.findToken, [token]);
    if (!row) return undefined;
    const found: AccessToken = {
      token: row.token,
      portalId: row.portal_id,
      appId: row.app_id,
      scopes: row.scopes,
    };
    if (row.expires_at !== null) found.expiresAt = row.expires_at;
    return found;
  }
}
