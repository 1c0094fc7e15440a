/**
 * Secrets never printed: whatever the server writes (logs, the start banner, error messages, the
 * request journal) passes URLs and database settings through these first.
 */

/** Query parameters that carry a credential in HubSpot's and OAuth's URLs. */
const SECRET_PARAMS = ['hapikey', 'access_token', 'refresh_token', 'client_secret', 'code', 'code_verifier'];

const SECRET_PARAM = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#]*`, 'gi');

export const REDACTED = '[redacted]';

/** A request URL (path and query) with every credential parameter's value replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAM, `$1${REDACTED}`);
}

/** A `--db` setting as it may be shown: a PostgreSQL URL without its password. */
export function redactDatabase(db: string): string {
  return db
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, `$1:${REDACTED}@`)
    .replace(/([?&]password=)[^&#]*/gi, `$1${REDACTED}`);
}
