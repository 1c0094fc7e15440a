/**
 * The OAuth stand-in's state in PostgreSQL: clients, authorization codes (used once), refresh tokens
 * (revocable), and the portals the admin trusts an app with. Secrets are kept as their hashes.
 * Each method is one statement, atomic on its own.
 */
import type pg from 'pg';
import type { OAuthClient, OAuthCode, RefreshToken } from '../../domain/types.js';

interface CodeRow {
  code_hash: string;
  client_id: string;
  portal_id: number;
  scopes: string[];
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
  scopes: string[];
  created_at: number;
}

export class PostgresOAuth {
  constructor(private readonly pool: pg.Pool) {}

  async ensureClient(client: OAuthClient): Promise<void> {
    await this.pool.query(
      `INSERT INTO oauth_clients (client_id, client_secret_hash, redirect_uri, app_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (client_id) DO UPDATE SET client_secret_hash = EXCLUDED.client_secret_hash,
         redirect_uri = EXCLUDED.redirect_uri, app_id = EXCLUDED.app_id`,
      [client.clientId, client.clientSecretHash, client.redirectUri, client.appId],
    );
  }

  async findClient(clientId: string): Promise<OAuthClient | undefined> {
    const { rows } = await this.pool.query<{
      client_id: string;
      client_secret_hash: string;
      redirect_uri: string;
      app_id: number;
    }>('SELECT * FROM oauth_clients WHERE client_id = $1', [clientId]);
    const row = rows[0];
    return (
      row && {
        clientId: row.client_id,
        clientSecretHash: row.client_secret_hash,
        redirectUri: row.redirect_uri,
        appId: row.app_id,
      }
    );
  }

  async insertCode(code: OAuthCode): Promise<void> {
    await this.pool.query(
      `INSERT INTO oauth_codes (code_hash, client_id, portal_id, scopes, redirect_uri, code_challenge, code_challenge_method, expires_at, used)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE)`,
      [
        code.codeHash,
        code.clientId,
        code.portalId,
        code.scopes,
        code.redirectUri,
        code.codeChallenge ?? null,
        code.codeChallengeMethod ?? null,
        code.expiresAt,
      ],
    );
  }

  /** One statement: of two concurrent exchanges of one code, only one sees it unused. */
  async useCode(codeHash: string): Promise<OAuthCode | undefined> {
    const { rows } = await this.pool.query<CodeRow>(
      'UPDATE oauth_codes SET used = TRUE WHERE code_hash = $1 AND NOT used RETURNING *',
      [codeHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    const found: OAuthCode = {
      codeHash: row.code_hash,
      clientId: row.client_id,
      portalId: row.portal_id,
      scopes: row.scopes,
      redirectUri: row.redirect_uri,
      expiresAt: row.expires_at,
    };
    if (row.code_challenge !== null) found.codeChallenge = row.code_challenge;
    if (row.code_challenge_method !== null) found.codeChallengeMethod = row.code_challenge_method;
    return found;
  }

  async insertRefreshToken(token: RefreshToken): Promise<void> {
    await this.pool.query(
      `INSERT INTO oauth_refresh_tokens (token_hash, client_id, portal_id, app_id, scopes, created_at, revoked)
       VALUES ($1, $2, $3, $4, $5, $6, FALSE)`,
      [token.tokenHash, token.clientId, token.portalId, token.appId, token.scopes, token.createdAt],
    );
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshToken | undefined> {
    const { rows } = await this.pool.query<RefreshRow>(
      'SELECT * FROM oauth_refresh_tokens WHERE token_hash = $1 AND NOT revoked',
      [tokenHash],
    );
    const row = rows[0];
    return (
      row && {
        tokenHash: row.token_hash,
        clientId: row.client_id,
        portalId: row.portal_id,
        appId: row.app_id,
        scopes: row.scopes,
        createdAt: row.created_at,
      }
    );
  }

  async revokeRefreshToken(tokenHash: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE oauth_refresh_tokens SET revoked = TRUE WHERE token_hash = $1 AND NOT revoked',
      [tokenHash],
    );
    return result.rowCount === 1;
  }

  async isTrustedPortal(appId: number, portalId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM oauth_trusted_portals WHERE app_id = $1 AND portal_id = $2',
      [appId, portalId],
    );
    return rowCount === 1;
  }

  async setTrustedPortal(appId: number, portalId: number, trusted: boolean): Promise<void> {
    await this.pool.query(
      trusted
        ? 'INSERT INTO oauth_trusted_portals (app_id, portal_id) VALUES ($1, $2) ON CONFLICT DO NOTHING'
        : 'DELETE FROM oauth_trusted_portals WHERE app_id = $1 AND portal_id = $2',
      [appId, portalId],
    );
  }
}
