/**
 * The web UI under `/ui`: server-rendered pages over the same domain services and renderer as the
 * API. Sign-in takes the admin token (with the portals to open) or a portal's private-app token;
 * the browser keeps only a session id (browser-session.ts), and every request asks the domain
 * again who that is (credentials/ui-sessions.ts) and what it may see (credentials/viewer.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignInRefused } from '../domain/credentials/ui-sessions.js';
import {
  clearSessionCookie,
  csrfToken,
  formFields,
  postIsOurs,
  sendPage,
  sessionIdOf,
  setSessionCookie,
} from './browser-session.js';
import { recordPages } from './record-pages.js';
import { templatePages } from './template-pages.js';
import { WEB_ASSETS } from './web-assets.js';
import { WebContext } from './web-context.js';
import type { WebDeps } from './web-deps.js';
import { page, views } from './web-views.js';

const AFTER_SIGN_IN = '/ui/records/contacts';
/** A stand-in origin to resolve `next` against: only a path of it is a path of this server. */
const THIS_SERVER = 'http://this-server.invalid';

/**
 * Where to go after signing in: a path of this server only (never another site). It is judged as
 * a browser reads it: browsers drop tabs and newlines from a URL and read `\` as `/`, so
 * `/<tab>/evil.example` is `//evil.example`, another site; the path resolved here is what is sent.
 */
function nextPath(next: string | undefined): string {
  if (next === undefined || !next.startsWith('/')) return AFTER_SIGN_IN;
  let url: URL;
  try {
    url = new URL(next, THIS_SERVER);
  } catch {
    return AFTER_SIGN_IN;
  }
  // A path that resolves to `//host` (`/ui/../..//evil.example`) names another site too.
  if (url.origin !== THIS_SERVER || url.pathname.startsWith('//')) return AFTER_SIGN_IN;
  return `${url.pathname}${url.search}${url.hash}`;
}

export async function webRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { sessions } = deps;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: Record<string, unknown>,
    status = 200,
  ) =>
    sendPage(
      reply,
      page({
        title: 'Sign in',
        body: views.login({ ...fields, csrf: csrfToken(request, reply) }),
        csrf: csrfToken(request, reply),
      }),
      status,
    );

  for (const [name, asset] of Object.entries(WEB_ASSETS)) {
    app.get(`/ui/assets/${name}`, (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body),
    );
  }

  app.get<{ Querystring: { next?: unknown; portalId?: unknown } }>('/ui', async (request, reply) => {
    const { next, portalId } = request.query;
    return loginPage(request, reply, {
      next: typeof next === 'string' ? next : '',
      portalId: typeof portalId === 'string' ? portalId : '',
    });
  });

  // The form posts here; a browser that opens the address (a bookmark, a reload) gets the form.
  app.get('/ui/login', (_request, reply) => reply.redirect('/ui', 303));

  app.post('/ui/login', async (request, reply) => {
    const fields = formFields(request.body);
    const token = (fields.token ?? '').trim();
    const portalText = (fields.portalId ?? '').trim();
    const shown = { portalId: portalText, next: fields.next ?? '' };
    if (!postIsOurs(request, fields.csrf))
      return loginPage(request, reply, { ...shown, error: 'This form expired: sign in again.' }, 403);
    const portalIds = portalText
      .split(/[\s,]+/)
      .filter((part) => part !== '')
      .map((part) => (/^[1-9]\d{0,14}$/.test(part) ? Number(part) : Number.NaN));
    if (portalIds.some(Number.isNaN))
      return loginPage(request, reply, { ...shown, error: 'Portal ids are whole numbers.' }, 401);
    try {
      setSessionCookie(request, reply, await sessions.signIn(token, portalIds));
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      return loginPage(request, reply, { ...shown, error: error.message }, 401);
    }
    return reply.redirect(nextPath(fields.next), 303);
  });

  app.post('/ui/logout', async (request, reply) => {
    if (postIsOurs(request, formFields(request.body).csrf)) await sessions.signOut(sessionIdOf(request));
    clearSessionCookie(request, reply);
    return reply.redirect('/ui', 303);
  });

  const ctx = new WebContext(deps);
  await recordPages(app, deps, ctx);
  await templatePages(app, deps, ctx);
}
