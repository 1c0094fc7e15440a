/**
 * Secrets never printed: whatever the server writes (logs, the start banner, error messages, the
 * request journal) passes URLs, request bodies and database settings through these first. A
 * credential can arrive in three places besides the Authorization header (which nothing records):
 * a query parameter, a path segment (OAuth's token information routes), and the body of an OAuth
 * request (form-encoded or JSON).
 */

export const REDACTED = '[REDACTED]';

/** Parameters and fields that carry a credential in HubSpot's and OAuth's URLs and bodies. */
const SECRET_FIELDS = new Set([
  'hapikey',
  'access_token',
  'refresh_token',
  'client_secret',
  'code',
  'code_verifier',
  'token',
  'client_assertion',
  'assertion',
  'csrf',
]);

/** Paths whose last segment is a token: OAuth's token information and revocation routes. */
const SECRET_PATH = /^(\/oauth\/v\d+\/(?:access-tokens|refresh-tokens)\/)[^/?#]+/i;

/** `a=1&hapikey=secret` → `a=1&hapikey=[REDACTED]`: credential values never reach a journal or a log. */
export function redactQuery(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeSafely(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      return SECRET_FIELDS.has(name) ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * A path without its query, with a token segment redacted: the token of OAuth's token information
 * routes, and under `/oauth/` any long segment past the route's name (a token sent to a path that
 * is not a route, `/oauth/v1/access-token/<token>`, must not be recorded either).
 */
export function redactPath(path: string): string {
  const routed = routedPath(path);
  if (!isOAuthPath(routed)) return path;
  return routed
    .replace(SECRET_PATH, `$1${REDACTED}`)
    .split('/')
    .map((segment, index) => (index > 3 && segment.length >= 20 ? REDACTED : segment))
    .join('/');
}

/**
 * A path as the router reads it: percent-escapes decoded and repeated slashes read as one. Secrets
 * are looked for there, so `/%6Fauth/v1/access-tokens/<token>` (which reaches the route) and
 * `//oauth/...` or `/oauth/v1/access-tokens%2F<token>` (which do not) are redacted as
 * `/oauth/v1/access-tokens/<token>` is.
 */
function routedPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape is read as it is.
  }
  return decoded.replace(/[/\\]{2,}/g, '/');
}

const isOAuthPath = (routed: string) => routed.toLowerCase().startsWith('/oauth/');

/** A URL (path and query) with its credential segments and parameters redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? redactPath(url) : `${redactPath(url.slice(0, q))}?${redactQuery(url.slice(q + 1))}`;
}

/**
 * A request body as it may be recorded: on OAuth's routes, the value of every credential field is
 * redacted, whether the body is JSON (at any depth) or a form; other routes' bodies carry no
 * credential and are kept as sent.
 */
export function redactBody(path: string, body: string): string {
  if (!isOAuthPath(routedPath(path))) return body;
  try {
    return JSON.stringify(redactJson(JSON.parse(body)));
  } catch {
    // JSON that cannot be read has no fields to redact one by one: it is kept out whole.
    return /^\s*[[{]/.test(body) ? REDACTED : redactQuery(body);
  }
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => [
      name,
      SECRET_FIELDS.has(name.toLowerCase()) ? REDACTED : redactJson(field),
    ]),
  );
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
