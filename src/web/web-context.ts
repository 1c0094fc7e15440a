/**
 * What every signed-in page needs: who the browser is, which portal it looks at, and links that
 * keep saying so. The portal is part of each page's URL (`?portalId=`, as `/_timeline/v1` takes it
 * with the admin token): a link names its portal, so it can be shared, bookmarked and opened in
 * another tab looking at another portal. A URL without one opens the session's first portal.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn } from '../domain/credentials/ui-sessions.js';
import { STANDARD_OBJECT_TYPES } from '../domain/types.js';
import { csrfToken, sendPage, sessionIdOf } from './browser-session.js';
import type { WebDeps } from './web-deps.js';
import { page, views } from './web-views.js';

/** Query values of a link: a list repeats its name. */
export type LinkParams = Record<string, string | readonly string[] | undefined>;

/** The UI's links for one portal: each carries `portalId`. */
export class Links {
  constructor(readonly portalId: number) {}

  to(path: string, params: LinkParams = {}): string {
    const query = new URLSearchParams({ portalId: String(this.portalId) });
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const one of typeof value === 'string' ? [value] : value) query.append(name, one);
    }
    return `${path}?${query.toString()}`;
  }
}

/** A signed-in page's request: who, in which portal and time zone, with its links. */
export interface Viewing {
  who: SignedIn;
  timeZone: string;
  links: Links;
}

/** The section of the UI a page belongs to: an object type's records, or the templates. */
export type Section = { kind: 'records'; objectType: string } | { kind: 'templates' };

const PORTAL_ID = /^[1-9]\d{0,14}$/;

export class WebContext {
  constructor(private readonly deps: WebDeps) {}

  /**
   * Who is signed in, looking at the page's portal; or undefined when the reply was sent instead:
   * the sign-in page for a browser signed in no longer, a page saying so for a portal the session
   * does not hold.
   */
  async viewing(request: FastifyRequest, reply: FastifyReply): Promise<Viewing | undefined> {
    const raw = (request.query as { portalId?: unknown } | undefined)?.portalId;
    const id = sessionIdOf(request);
    if (raw === undefined) {
      const who = await this.deps.sessions.find(id);
      if (!who) {
        await reply.redirect('/ui', 303);
        return undefined;
      }
      return this.viewingOf(who);
    }
    const portalId = typeof raw === 'string' && PORTAL_ID.test(raw) ? Number(raw) : undefined;
    const who = portalId === undefined ? undefined : await this.deps.sessions.find(id, portalId);
    if (who) return this.viewingOf(who);
    const session = await this.deps.sessions.find(id);
    if (!session) {
      await reply.redirect(`/ui?${new URLSearchParams({ next: request.url }).toString()}`, 303);
      return undefined;
    }
    const signIn = new URLSearchParams({
      next: request.url,
      ...(portalId ? { portalId: String(portalId) } : {}),
    });
    await this.send(request, reply, await this.viewingOf(session), {
      title: 'Another portal',
      section: { kind: 'records', objectType: 'contacts' },
      body: views.error({
        title: 'This page is of another portal',
        message: `This link is for portal ${typeof raw === 'string' ? raw : '?'}; this browser is signed in to ${session.portalIds.join(', ')}.`,
        action: { href: `/ui?${signIn.toString()}`, label: 'Sign in to that portal' },
      }),
      status: 403,
    });
    return undefined;
  }

  async viewingOf(who: SignedIn): Promise<Viewing> {
    const timeZone = await this.deps.rendering.timeZoneOf(who.viewer.portalId);
    return { who, timeZone, links: new Links(who.viewer.portalId) };
  }

  /** A signed-in page, in the layout: where it is, the sections, sign-out. */
  send(
    request: FastifyRequest,
    reply: FastifyReply,
    viewing: Viewing,
    options: { title: string; body: string; section: Section; status?: number },
  ): FastifyReply {
    const { who, links, timeZone } = viewing;
    const { section } = options;
    const sectionPath = section.kind === 'templates' ? '/ui/templates' : `/ui/records/${section.objectType}`;
    const nav = [
      ...STANDARD_OBJECT_TYPES.map((type) => ({
        href: links.to(`/ui/records/${type}`),
        label: type,
        current: section.kind === 'records' && section.objectType === type,
      })),
      { href: links.to('/ui/templates'), label: 'templates', current: section.kind === 'templates' },
    ];
    const html = page({
      title: options.title,
      body: options.body,
      csrf: csrfToken(request, reply),
      brandHref: links.to('/ui/records/contacts'),
      nav,
      where: {
        portalId: who.viewer.portalId,
        timeZone,
        switchAction: sectionPath,
        ...(who.portalIds.length > 1
          ? { choices: who.portalIds.map((id) => ({ id, selected: id === who.viewer.portalId })) }
          : {}),
      },
    });
    return sendPage(reply, html, options.status ?? 200);
  }

  notFound(request: FastifyRequest, reply: FastifyReply, viewing: Viewing, message: string): FastifyReply {
    return this.send(request, reply, viewing, {
      title: 'Not found',
      section: { kind: 'records', objectType: 'contacts' },
      body: views.error({
        title: 'Not found',
        message,
        action: { href: viewing.links.to('/ui/records/contacts'), label: 'Back to records' },
      }),
      status: 404,
    });
  }
}
