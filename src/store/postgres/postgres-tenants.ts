/**
 * Credentials and tenants in PostgreSQL: meta values, portals, developer accounts, apps, access
 * tokens and web UI sessions. Secrets are only ever hashes here. Each method is one statement, a
 * conflict-free insert followed by a read, or one transaction, so concurrent calls from several
 * processes agree on one row.
 */
import type pg from 'pg';
import type { StoreFailure } from '../../domain/store.js';
import type { AccessToken, App, DeveloperAccount, Portal, TokenKind, UiSession } from '../../domain/types.js';
import { run, transaction } from './postgres-pool.js';

const S = {
  // Every authenticated request reads these two.
  findToken: {
    name: 'tok_find',
    text: 'SELECT token_hash, kind, portal_id, app_id, scopes, expires_at FROM access_tokens WHERE token_hash = $1',
  },
  findApp: { name: 'app_find', text: 'SELECT id, developer_account_id FROM apps WHERE id = $1' },
  findAccount: {
    name: 'dev_find',
    text: 'SELECT id, api_key_hash FROM developer_accounts WHERE api_key_hash = $1',
  },
};

const UPSERT_TOKEN = `INSERT INTO access_tokens (token_hash, kind, portal_id, app_id, scopes, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (token_hash) DO UPDATE
  SET kind = EXCLUDED.kind, portal_id = EXCLUDED.portal_id, app_id = EXCLUDED.app_id,
    scopes = EXCLUDED.scopes, expires_at = EXCLUDED.expires_at`;

/** The parameters of UPSERT_TOKEN. */
export function tokenValues(token: AccessToken): unknown[] {
  return [token.tokenHash, token.kind, token.portalId, token.appId, token.scopes, token.expiresAt ?? null];
}

export { UPSERT_TOKEN };

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

  async ensureDeveloperAccount(apiKeyHash: string, replacing?: string): Promise<DeveloperAccount> {
    if (replacing !== undefined && replacing !== apiKeyHash) {
      await this.pool.query(
        `UPDATE developer_accounts SET api_key_hash = $1 WHERE api_key_hash = $2
           AND NOT EXISTS (SELECT 1 FROM developer_accounts WHERE api_key_hash = $1)`,
        [apiKeyHash, replacing],
      );
    }
    await this.pool.query(
      'INSERT INTO developer_accounts (api_key_hash) VALUES ($1) ON CONFLICT (api_key_hash) DO NOTHING',
      [apiKeyHash],
    );
    return (await this.findDeveloperAccount(apiKeyHash)) as DeveloperAccount;
  }

  async findDeveloperAccount(apiKeyHash: string): Promise<DeveloperAccount | undefined> {
    const [row] = await run<{ id: number; api_key_hash: string }>(this.pool, S.findAccount, [apiKeyHash]);
    return row && { id: row.id, apiKeyHash: row.api_key_hash };
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

  async ensureAccessToken(token: AccessToken, replacing?: string): Promise<void> {
    if (replacing === undefined || replacing === token.tokenHash) {
      await this.pool.query(UPSERT_TOKEN, tokenValues(token));
      return;
    }
    await transaction(this.pool, async (client) => {
      await client.query('DELETE FROM access_tokens WHERE token_hash = $1', [replacing]);
      await client.query(UPSERT_TOKEN, tokenValues(token));
    });
  }

  async findAccessToken(tokenHash: string): Promise<AccessToken | undefined> {
    const [row] = await run<{
      token_hash: string;
      kind: TokenKind;
      portal_id: number;
      app_id: number;
      scopes: string[];
      expires_at: number | null;
    }>(this.pool, S.findToken, [tokenHash]);
    if (!row) return undefined;
    const found: AccessToken = {
      tokenHash: row.token_hash,
      kind: row.kind,
      portalId: row.portal_id,
      appId: row.app_id,
      scopes: row.scopes,
    };
    if (row.expires_at !== null) found.expiresAt = row.expires_at;
    return found;
  }

  async deleteAccessToken(tokenHash: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM access_tokens WHERE token_hash = $1', [
      tokenHash,
    ]);
    return rowCount === 1;
  }

  async insertSession(session: UiSession, now: number): Promise<void> {
    await transaction(this.pool, async (client) => {
      await client.query('DELETE FROM ui_sessions WHERE expires_at <= $1', [now]);
      await client.query(
        'INSERT INTO ui_sessions (id_hash, credential, portal_ids, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [
          session.idHash,
          JSON.stringify(session.credential),
          session.portalIds,
          session.createdAt,
          session.expiresAt,
        ],
      );
    });
  }

  async findSession(idHash: string): Promise<UiSession | undefined> {
    const { rows } = await this.pool.query<{
      id_hash: string;
      credential: string;
      portal_ids: number[];
      created_at: number;
      expires_at: number;
    }>('SELECT * FROM ui_sessions WHERE id_hash = $1', [idHash]);
    const row = rows[0];
    return (
      row && {
        idHash: row.id_hash,
        credential: JSON.parse(row.credential),
        portalIds: row.portal_ids.map(Number),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM ui_sessions WHERE id_hash = $1', [idHash]);
  }
}
