/**
 * The OAuth stand-in's state in SQLite: clients, authorization codes (used once), refresh tokens
 * (revocable), and the portals the admin trusts an app with. Secrets are kept as their hashes.
 * Scopes are JSON arrays, as in `access_tokens`.
 */
import type Database from 'better-sqlite3';
import type { OAuthClient, OAuthCode, RefreshToken } from '../../domain/types.js';

interface CodeRow {
  code_hash: string;
  client_id: string;
  portal_id: number;
  scopes: string;
  redirect_uri: string;
  code_challenge: string | null;
  code_challenge_method: 'S256' | 'plain' | null;
  expires_at: number;
}

interface RefreshRow {
  token_hash: string;
  client_id: string;
  portal_id: number;
  app_id: number;
  scopes: string;
  created_at: number;
}

export class SqliteOAuth {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      upsertClient: db.prepare(
        `INSERT INTO oauth_clients (client_id, client_secret_hash, redirect_uri, app_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (client_id) DO UPDATE SET client_secret_hash = excluded.client_secret_hash,
           redirect_uri = excluded.redirect_uri, app_id = excluded.app_id`,
      ),
      findClient: db.prepare<
        [string],
        { client_id: string; client_secret_hash: string; redirect_uri: string; app_id: number }
      >('SELECT * FROM oauth_clients WHERE client_id = ?'),
      insertCode: db.prepare(
        `INSERT INTO oauth_codes (code_hash, client_id, portal_id, scopes, redirect_uri, code_challenge, code_challenge_method, expires_at, used)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      ),
      // One statement: of two concurrent exchanges of one code, only one sees it unused.
      useCode: db.prepare<[string], CodeRow>(
        'UPDATE oauth_codes SET used = 1 WHERE code_hash = ? AND used = 0 RETURNING *',
      ),
      insertRefresh: db.prepare(
        `INSERT INTO oauth_refresh_tokens (token_hash, client_id, portal_id, app_id, scopes, created_at, revoked)
         VALUES (?, ?, ?, ?, ?, ?, 0)`,
      ),
      findRefresh: db.prepare<[string], RefreshRow>(
        'SELECT * FROM oauth_refresh_tokens WHERE token_hash = ? AND revoked = 0',
      ),
      findTrusted: db.prepare<[number, number], { app_id: number }>(
        'SELECT app_id FROM oauth_trusted_portals WHERE app_id = ? AND portal_id = ?',
      ),
      trust: db.prepare(
        'INSERT INTO oauth_trusted_portals (app_id, portal_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      distrust: db.prepare('DELETE FROM oauth_trusted_portals WHERE app_id = ? AND portal_id = ?'),
      revokeRefresh: db.prepare(
        'UPDATE oauth_refresh_tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0',
      ),
    };
  }

  ensureClient(client: OAuthClient): void {
    this.statements.upsertClient.run(
      client.clientId,
      client.clientSecretHash,
      client.redirectUri,
      client.appId,
    );
  }

  findClient(clientId: string): OAuthClient | undefined {
    const row = this.statements.findClient.get(clientId);
    return (
      row && {
        clientId: row.client_id,
        clientSecretHash: row.client_secret_hash,
        redirectUri: row.redirect_uri,
        appId: row.app_id,
      }
    );
  }

  insertCode(code: OAuthCode): void {
    this.statements.insertCode.run(
      code.codeHash,
      code.clientId,
      code.portalId,
      JSON.stringify(code.scopes),
      code.redirectUri,
      code.codeChallenge ?? null,
      code.codeChallengeMethod ?? null,
      code.expiresAt,
    );
  }

  useCode(codeHash: string): OAuthCode | undefined {
    const row = this.statements.useCode.get(codeHash);
    if (!row) return undefined;
    const found: OAuthCode = {
      codeHash: row.code_hash,
      clientId: row.client_id,
      portalId: row.portal_id,
      scopes: JSON.parse(row.scopes),
      redirectUri: row.redirect_uri,
      expiresAt: row.expires_at,
    };
    if (row.code_challenge !== null) found.codeChallenge = row.code_challenge;
    if (row.code_challenge_method !== null) found.codeChallengeMethod = row.code_challenge_method;
    return found;
  }

  insertRefreshToken(token: RefreshToken): void {
    this.statements.insertRefresh.run(
      token.tokenHash,
      token.clientId,
      token.portalId,
      token.appId,
      JSON.stringify(token.scopes),
      token.createdAt,
    );
  }

  findRefreshToken(tokenHash: string): RefreshToken | undefined {
    const row = this.statements.findRefresh.get(tokenHash);
    return (
      row && {
        tokenHash: row.token_hash,
        clientId: row.client_id,
        portalId: row.portal_id,
        appId: row.app_id,
        scopes: JSON.parse(row.scopes),
        createdAt: row.created_at,
      }
    );
  }

  revokeRefreshToken(tokenHash: string): boolean {
    return this.statements.revokeRefresh.run(tokenHash).changes === 1;
  }

  isTrustedPortal(appId: number, portalId: number): boolean {
    return this.statements.findTrusted.get(appId, portalId) !== undefined;
  }

  setTrustedPortal(appId: number, portalId: number, trusted: boolean): void {
    (trusted ? this.statements.trust : this.statements.distrust).run(appId, portalId);
  }
}
