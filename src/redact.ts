/**
 * Secrets never printed: whatever the server writes (logs, the start banner, error messages, the
 * request journal) passes URLs and database settings through these first.
 */

export const REDACTED = '[REDACTED]';

/** Query parameters that carry a credential in HubSpot's and OAuth's URLs. */
const SECRET_PARAMETERS = new Set([
  'hapikey',
  'access_token',
  'refresh_token',
  'client_secret',
  'code',
  'code_verifier',
  'token',
]);

/** `a=1&hapikey=secret` → `a=1&hapikey=[REDACTED]`: credential values never reach a journal or a log. */
export function redactQuery(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeSafely(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      return SECRET_PARAMETERS.has(name) ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=${REDACTED}` : pair;
    })
    .join('&');
}

/** A URL (path and query) with its credential parameters redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?${redactQuery(url.slice(q + 1))}`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A `--db` setting as it may be shown: a PostgreSQL URL without its password. */
export function redactDatabase(db: string): string {
  return db
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, `$1:${REDACTED}@`)
    .replace(/([?&]password=)[^&#]*/gi, `$1${REDACTED}`);
}
