/**
 * Tenants and credentials in SQLite: server settings (`meta`), portals, developer accounts, apps,
 * access tokens and web UI sessions. Secrets are only ever hashes here. Statements are prepared
 * once; each call is one statement, or a transaction where it takes two.
 */
import type Database from 'better-sqlite3';
import type { StoreFailure } from '../../domain/store.js';
import type { AccessToken, App, DeveloperAccount, Portal, TokenKind, UiSession } from '../../domain/types.js';

interface AccessTokenRow {
  token_hash: string;
  kind: TokenKind;
  portal_id: number;
  app_id: number;
  scopes: string;
  expires_at: number | null;
}

interface SessionRow {
  id_hash: string;
  credential: string;
  portal_ids: string;
  created_at: number;
  expires_at: number;
}

export class SqliteTenants {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
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
        'INSERT INTO developer_accounts (api_key_hash) VALUES (?) ON CONFLICT (api_key_hash) DO NOTHING',
      ),
      replaceDeveloperKey: db.prepare(
        `UPDATE developer_accounts SET api_key_hash = ? WHERE api_key_hash = ?
           AND NOT EXISTS (SELECT 1 FROM developer_accounts WHERE api_key_hash = ?)`,
      ),
      findDeveloperAccount: db.prepare<[string], { id: number; api_key_hash: string }>(
        'SELECT id, api_key_hash FROM developer_accounts WHERE api_key_hash = ?',
      ),
      insertApp: db.prepare(
        'INSERT INTO apps (id, developer_account_id) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      findApp: db.prepare<[number], { id: number; developer_account_id: number }>(
        'SELECT id, developer_account_id FROM apps WHERE id = ?',
      ),
      upsertAccessToken: db.prepare(
        `INSERT INTO access_tokens (token_hash, kind, portal_id, app_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (token_hash) DO UPDATE SET kind = excluded.kind, portal_id = excluded.portal_id,
           app_id = excluded.app_id, scopes = excluded.scopes, expires_at = excluded.expires_at`,
      ),
      findAccessToken: db.prepare<[string], AccessTokenRow>(
        'SELECT * FROM access_tokens WHERE token_hash = ?',
      ),
      deleteAccessToken: db.prepare('DELETE FROM access_tokens WHERE token_hash = ?'),
      insertSession: db.prepare(
        'INSERT INTO ui_sessions (id_hash, credential, portal_ids, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteExpiredSessions: db.prepare('DELETE FROM ui_sessions WHERE expires_at <= ?'),
      findSession: db.prepare<[string], SessionRow>('SELECT * FROM ui_sessions WHERE id_hash = ?'),
      deleteSession: db.prepare('DELETE FROM ui_sessions WHERE id_hash = ?'),
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

  ensureDeveloperAccount(apiKeyHash: string, replacing?: string): DeveloperAccount {
    return this.db
      .transaction(() => {
        if (replacing !== undefined && replacing !== apiKeyHash)
          this.statements.replaceDeveloperKey.run(apiKeyHash, replacing, apiKeyHash);
        this.statements.insertDeveloperAccount.run(apiKeyHash);
        return this.findDeveloperAccount(apiKeyHash) as DeveloperAccount;
      })
      .immediate();
  }

  findDeveloperAccount(apiKeyHash: string): DeveloperAccount | undefined {
    const row = this.statements.findDeveloperAccount.get(apiKeyHash);
    return row && { id: row.id, apiKeyHash: row.api_key_hash };
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

  ensureAccessToken(token: AccessToken, replacing?: string): void {
    this.db
      .transaction(() => {
        if (replacing !== undefined && replacing !== token.tokenHash)
          this.statements.deleteAccessToken.run(replacing);
        this.statements.upsertAccessToken.run(
          token.tokenHash,
          token.kind,
          token.portalId,
          token.appId,
          JSON.stringify(token.scopes),
          token.expiresAt ?? null,
        );
      })
      .immediate();
  }

  findAccessToken(tokenHash: string): AccessToken | undefined {
    const row = this.statements.findAccessToken.get(tokenHash);
    if (!row) return undefined;
    const found: AccessToken = {
      tokenHash: row.token_hash,
      kind: row.kind,
      portalId: row.portal_id,
      appId: row.app_id,
      scopes: JSON.parse(row.scopes),
    };
    if (row.expires_at !== null) found.expiresAt = row.expires_at;
    return found;
  }

  deleteAccessToken(tokenHash: string): boolean {
    return this.statements.deleteAccessToken.run(tokenHash).changes > 0;
  }

  insertSession(session: UiSession, now: number): void {
    this.db
      .transaction(() => {
        this.statements.deleteExpiredSessions.run(now);
        this.statements.insertSession.run(
          session.idHash,
          JSON.stringify(session.credential),
          JSON.stringify(session.portalIds),
          session.createdAt,
          session.expiresAt,
        );
      })
      .immediate();
  }

  findSession(idHash: string): UiSession | undefined {
    const row = this.statements.findSession.get(idHash);
    return (
      row && {
        idHash: row.id_hash,
        credential: JSON.parse(row.credential),
        portalIds: JSON.parse(row.portal_ids),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  deleteSession(idHash: string): void {
    this.statements.deleteSession.run(idHash);
  }
}
