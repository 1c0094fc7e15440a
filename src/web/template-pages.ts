/**
 * The templates pages: the templates the viewer may read, a page of apps at a time, and one
 * template's page with its tokens, sources and a live preview (the page's form, fetched again as
 * the author types by app.js; without a script, its button renders it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { templateCursor } from '../domain/cursors.js';
import { TEMPLATE_EVENT_COUNT_CAP, type TemplateEvents } from '../domain/template-catalog.js';
import {
  eventInput,
  MAX_PREVIEW_EXTRA_DATA,
  MAX_PREVIEW_VALUE,
  type PreviewInput,
  renderPreview,
  sampleInput,
} from '../domain/template-preview.js';
import { boundMs, parseTimeBound } from '../domain/timeline-filter.js';
import type { EventTemplate } from '../domain/types.js';
import { ApiError } from '../errors.js';
import { sendPage } from './browser-session.js';
import { previewView, templateListView, templatePageView } from './view-templates.js';
import type { Viewing, WebContext } from './web-context.js';
import type { WebDeps } from './web-deps.js';
import { localInputValue, timeShower } from './web-time.js';

const TEMPLATES_PAGE = 25;

type Query = Record<string, string | string[] | undefined>;

function countText(events: TemplateEvents): string {
  const count = events.count.toLocaleString('en-US');
  return events.capped ? `${count} or more` : count;
}

/** The preview's values as the page's form (or URL) gives them; absent ones from `base`. */
function formInput(
  template: EventTemplate,
  query: Query,
  base: PreviewInput,
  timeZone: string,
): PreviewInput {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const tokens: Record<string, string> = {};
  for (const token of template.tokens)
    tokens[token.name] = text(`token.${token.name}`) ?? base.tokens[token.name] ?? '';
  let timestamp = base.timestamp;
  const given = text('timestamp');
  if (given) {
    try {
      timestamp = boundMs(parseTimeBound('since', given), 'since', timeZone);
    } catch (thrown) {
      if (!(thrown instanceof ApiError)) throw thrown;
    }
  }
  return { tokens, extraData: text('extraData') ?? base.extraData, timestamp };
}

export async function templatePages(app: FastifyInstance, deps: WebDeps, ctx: WebContext): Promise<void> {
  const { templates } = deps;

  app.get<{ Querystring: Query }>('/ui/templates', async (request, reply) => {
    const viewing = await ctx.viewing(request, reply);
    if (!viewing) return reply;
    const { viewer } = viewing.who;
    const afterText = typeof request.query.after === 'string' ? request.query.after : undefined;
    const after = afterText === undefined ? undefined : templateCursor.decode(afterText);
    const page = await templates.list(viewer, TEMPLATES_PAGE, after);
    const when = timeShower(viewing.timeZone);
    const apps = page.apps.map((group) => ({
      appId: group.appId,
      templates: group.templates.map(({ template, events }) => ({
        id: template.id,
        name: template.name,
        href: viewing.links.to(`/ui/templates/${template.id}`),
        objectType: template.objectType,
        tokenCount: template.tokens.length,
        events: countText(events),
        last: events.newest && when(events.newest.timestamp),
      })),
    }));
    const body = templateListView({
      apps,
      portalId: viewing.links.portalId,
      cap: TEMPLATE_EVENT_COUNT_CAP.toLocaleString('en-US'),
      own: viewer.kind !== 'admin',
      scope:
        viewer.kind === 'admin'
          ? "Every app's templates (signed in with the admin token)."
          : `The templates of this token's app (${viewer.appId}); other apps' templates are theirs to read.`,
      next: page.next
        ? viewing.links.to('/ui/templates', { after: templateCursor.encode(page.next) })
        : undefined,
    });
    return ctx.send(request, reply, viewing, {
      title: 'Event templates',
      body,
      section: { kind: 'templates' },
    });
  });

  /** The template and the values its preview starts from, when the viewer may read it. */
  async function previewOf(viewing: Viewing, templateId: string, query: Query) {
    const template = await templates.template(viewing.who.viewer, templateId);
    if (!template) return undefined;
    const events = await templates.events(viewing.who.viewer, template);
    const from = typeof query.from === 'string' ? query.from : undefined;
    const newest = events.newest;
    const useEvent = newest !== undefined && from !== 'sample';
    const base = useEvent ? eventInput(template, newest) : sampleInput(template, deps.clock.now());
    const input = from === 'form' ? formInput(template, query, base, viewing.timeZone) : base;
    const result = await renderPreview(deps.rendering, template, input, viewing.timeZone);
    const shown = timeShower(viewing.timeZone)(input.timestamp);
    const html = previewView({ ...result, templateName: template.name, iso: shown.iso, time: shown.text });
    return { template, events, input, html, useEvent, from };
  }

  app.get<{ Params: { templateId: string }; Querystring: Query }>(
    '/ui/templates/:templateId',
    async (request, reply) => {
      const viewing = await ctx.viewing(request, reply);
      if (!viewing) return reply;
      const found = await previewOf(viewing, request.params.templateId, request.query);
      if (!found)
        return ctx.notFound(request, reply, viewing, `No event template ${request.params.templateId}.`);
      const { template, events, input, html, useEvent, from } = found;
      const { links, timeZone } = viewing;
      const selfPath = `/ui/templates/${template.id}`;
      const newest = events.newest;
      const shown = newest && timeShower(timeZone)(newest.timestamp);
      const source = {
        text:
          from === 'form'
            ? 'the values below'
            : useEvent
              ? `its latest event (${newest?.id ?? ''})`
              : 'sample values made from its tokens',
        switches: [
          ...(newest && (from === 'sample' || from === 'form')
            ? [{ href: links.to(selfPath), label: 'Start from its latest event' }]
            : []),
          ...(from !== 'sample'
            ? [{ href: links.to(selfPath, { from: 'sample' }), label: 'Start from sample values' }]
            : []),
        ],
      };
      const body = templatePageView({
        template,
        portalId: links.portalId,
        listHref: links.to('/ui/templates'),
        events: countText(events),
        last: newest &&
          shown && {
            ...shown,
            objectId: newest.objectId,
            recordHref: links.to(`/ui/records/${newest.objectType}/${newest.objectId}`),
          },
        timeZone,
        source,
        selfPath,
        previewPath: `${selfPath}/preview`,
        fields: template.tokens.map((token) => ({
          name: token.name,
          label: token.label || token.name,
          value: input.tokens[token.name] ?? '',
          numeric: token.type === 'number' || token.type === 'date',
          options:
            token.type === 'enumeration'
              ? token.options.map((option) => ({
                  ...option,
                  selected: option.value === input.tokens[token.name],
                }))
              : undefined,
        })),
        maxValue: MAX_PREVIEW_VALUE,
        maxExtraData: MAX_PREVIEW_EXTRA_DATA,
        timestamp: localInputValue(input.timestamp, timeZone),
        extraData: input.extraData,
        previewHtml: html,
      });
      return ctx.send(request, reply, viewing, {
        title: template.name,
        body,
        section: { kind: 'templates' },
      });
    },
  );

  // Fetched by the template page's script as its form changes: the preview alone.
  app.get<{ Params: { templateId: string }; Querystring: Query }>(
    '/ui/templates/:templateId/preview',
    async (
      request: FastifyRequest<{ Params: { templateId: string }; Querystring: Query }>,
      reply: FastifyReply,
    ) => {
      const viewing = await ctx.viewing(request, reply);
      if (!viewing) return reply;
      const found = await previewOf(viewing, request.params.templateId, request.query);
      if (!found)
        return ctx.notFound(request, reply, viewing, `No event template ${request.params.templateId}.`);
      return sendPage(reply, found.html);
    },
  );
}
