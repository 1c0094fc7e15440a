/**
 * The OAuth stand-in's state in SQLite (issue 14): clients, authorization codes (used once) and
 * refresh tokens (revocable). Scopes are JSON arrays, as in `access_tokens`.
 */
import type Database from 'better-sqlite3';
import type { OAuthClient, OAuthCode, RefreshToken } from '../../domain/types.js';

interface CodeRow {
  code: string;
  client_id: string;
  portal_id: number;
  scopes: string;
  redirect_uri: string;
  code_challenge: string | null;
  code_challenge_method: 'S256' | 'plain' | null;
  expires_at: number;
}

interface RefreshRow {
  token: string;
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
        `INSERT INTO oauth_clients (client_id, client_secret, redirect_uri, app_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (client_id) DO UPDATE SET client_secret = excluded.client_secret,
           redirect_uri = excluded.redirect_uri, app_id = excluded.app_id`,
      ),
      findClient: db.prepare<
        [string],
        { client_id: string; client_secret: string; redirect_uri: string; app_id: number }
      >('SELECT * FROM oauth_clients WHERE client_id = ?'),
      insertCode: db.prepare(
        `INSERT INTO oauth_codes (code, client_id, portal_id, scopes, redirect_uri, code_challenge, code_challenge_method, expires_at, used)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      ),
      // One statement: of two concurrent exchanges of one code, only one sees it unused.
      useCode: db.prepare<[string], CodeRow>(
        'UPDATE oauth_codes SET used = 1 WHERE code = ? AND used = 0 RETURNING *',
      ),
      insertRefresh: db.prepare(
        `INSERT INTO oauth_refresh_tokens (token, client_id, portal_id, app_id, scopes, created_at, revoked)
         VALUES (?, ?, ?, ?, ?, ?, 0)`,
      ),
      findRefresh: db.prepare<[string], RefreshRow>(
        'SELECT * FROM oauth_refresh_tokens WHERE token = ? AND revoked = 0',
      ),
      revokeRefresh: db.prepare(
        'UPDATE oauth_refresh_tokens SET revoked = 1 WHERE token = ? AND revoked = 0',
      ),
    };
  }

  ensureClient(client: OAuthClient): void {
    this.statements.upsertClient.run(client.clientId, client.clientSecret, client.redirectUri, client.appId);
  }

  findClient(clientId: string): OAuthClient | undefined {
    const row = this.statements.findClient.get(clientId);
    return (
      row && {
        clientId: row.client_id,
        clientSecret: row.client_secret,
        redirectUri: row.redirect_uri,
        appId: row.app_id,
      }
    );
  }

  insertCode(code: OAuthCode): void {
    this.statements.insertCode.run(
      code.code,
      code.clientId,
      code.portalId,
      JSON.stringify(code.scopes),
      code.redirectUri,
      code.codeChallenge ?? null,
      code.codeChallengeMethod ?? null,
      code.expiresAt,
    );
  }

  useCode(code: string): OAuthCode | undefined {
    const row = this.statements.useCode.get(code);
    if (!row) return undefined;
    const found: OAuthCode = {
      code: row.code,
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
      token.token,
      token.clientId,
      token.portalId,
      token.appId,
      JSON.stringify(token.scopes),
      token.createdAt,
    );
  }

  findRefreshToken(token: string): RefreshToken | undefined {
    const row = this.statements.findRefresh.get(token);
    return (
      row && {
        token: row.token,
        clientId: row.client_id,
        portalId: row.portal_id,
        appId: row.app_id,
        scopes: JSON.parse(row.scopes),
        createdAt: row.created_at,
      }
    );
  }

  revokeRefreshToken(token: string): boolean {
    return this.statements.revokeRefresh.run(token).changes === 1;
  }
}
