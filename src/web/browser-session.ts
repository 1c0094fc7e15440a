/**
 * What the server keeps in a browser, and how its pages defend themselves:
 * - the session cookie holds only a random session id (credentials/ui-sessions.ts keeps the rest);
 *   HttpOnly (page scripts cannot read it), SameSite=Lax (other sites' forms cannot send it, while a
 *   link from an app's site to the OAuth approval page still finds the user signed in), Secure when
 *   the page was served over HTTPS;
 * - every form that changes something carries a CSRF token that must equal the token cookie
 *   (double submit: another site can neither read nor set it), and a browser that says the post is
 *   cross-site (Sec-Fetch-Site) is refused outright;
 * - every page says it may not be framed, sends no referrer, and may load scripts and styles only
 *   from this server (Content-Security-Policy).
 */
import { randomBytes } from 'node:crypto';
import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../domain/credentials/secrets.js';

const SESSION_COOKIE = 'timeline_session';
const CSRF_COOKIE = 'timeline_csrf';

/**
 * Scripts and styles from this server only; images from anywhere on the web (rendered Markdown may
 * show them); frames of any http(s) page (an event's `timelineIFrame`, in a sandboxed frame).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src * data:',
  'frame-src http: https:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function cookies(request: FastifyRequest): Record<string, string | undefined> {
  return parse(request.headers.cookie ?? '');
}

function cookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
  };
}

/** The session id the browser sent, if any. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  return cookies(request)[SESSION_COOKIE];
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string): void {
  reply.header('set-cookie', serialize(SESSION_COOKIE, id, cookieOptions(request)));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', serialize(SESSION_COOKIE, '', { ...cookieOptions(request), maxAge: 0 }));
}

/**
 * The CSRF token a page's forms carry: the browser's, or a new one set as its cookie now. Strict:
 * it is needed only by this server's own pages.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = issued.get(request) ?? cookies(request)[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  issued.set(request, token);
  reply.header(
    'set-cookie',
    serialize(CSRF_COOKIE, token, { ...cookieOptions(request), sameSite: 'strict' }),
  );
  return token;
}

/** Tokens set during a request, so a page asking twice gets one token (and one cookie). */
const issued = new WeakMap<FastifyRequest, string>();

/** Whether a form post came from this server's own page: its token matches the cookie's. */
export function postIsOurs(request: FastifyRequest, formToken: unknown): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return false;
  const cookie = cookies(request)[CSRF_COOKIE];
  return typeof formToken === 'string' && cookie !== undefined && sameSecret(formToken, cookie);
}

/** An HTML page with the headers every page of ours carries. */
export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .send(body);
}

/** Form fields, each one string (a field given twice is ignored rather than guessed at). */
export function formFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return fields;
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}
