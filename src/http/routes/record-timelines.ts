/**
 * The record timeline API (ours, outside HubSpot's paths; issue 11): a record's events newest first
 * and a portal's records by latest activity, in HubSpot's CRM list shape
 * (`{results, paging: {next: {after}}}`, no `paging` on the last page).
 *
 * Credentials: a HubSpot access token holding `timeline` or the object's read scope (its portal is
 * read), or the admin token with `?portalId=` (any portal).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateAccessToken } from '../../domain/credentials.js';
import { sameSecret } from '../../domain/secrets.js';
import type { ActivityPosition, TimelinePosition } from '../../domain/store.js';
import { TimelineService } from '../../domain/timeline-service.js';
import { invalidInput } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { pagingToWire, recordActivityToWire, timelineEntryToWire } from '../presenters.js';
import { cursorParam, encodeCursor, isoTimeParam, limitParam } from '../query-params.js';

export const TIMELINE_API_PREFIX = '/_timeline/v1';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

interface ObjectParams {
  objectType: string;
}

type Query = Record<string, string | undefined>;

/** The read scope of an object type: custom objects (`2-123`) share HubSpot's `crm.objects.custom.read`. */
function readScope(objectType: string): string {
  return /^2-\d+$/.test(objectType) ? 'crm.objects.custom.read' : `crm.objects.${objectType}.read`;
}

/** The portal the caller may read: the access token's, or `?portalId=` with the admin token. */
async function readablePortal(
  request: FastifyRequest<{ Params: ObjectParams; Querystring: Query }>,
  deps: AppDeps,
): Promise<number> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (match?.[1] && sameSecret(match[1], deps.adminToken)) {
    const raw = request.query.portalId;
    if (raw === undefined || !/^[1-9]\d{0,14}$/.test(raw)) {
      throw invalidInput([
        {
          message: 'portalId (a positive integer) is required with the admin token',
          code: raw === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE',
          in: 'portalId',
        },
      ]);
    }
    return Number(raw);
  }
  const scopes = ['timeline', readScope(request.params.objectType)];
  return (await authenticateAccessToken(deps.store, request.headers.authorization, scopes, deps.clock.now()))
    .portalId;
}

function single(query: Query, name: string): string | undefined {
  const value = (query as Record<string, unknown>)[name];
  if (Array.isArray(value)) {
    throw invalidInput([{ message: `${name} must be given once`, code: 'INVALID_VALUE', in: name }]);
  }
  return value as string | undefined;
}

export async function recordTimelineRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const timeline = new TimelineService(deps.store, deps.rendering);
  app.decorateRequest('timelinePortal', 0);
  app.addHook('onRequest', async (request) => {
    request.timelinePortal = await readablePortal(
      request as FastifyRequest<{ Params: ObjectParams; Querystring: Query }>,
      deps,
    );
  });

  app.get<{ Params: ObjectParams & { objectId: string }; Querystring: Query }>(
    `${TIMELINE_API_PREFIX}/objects/:objectType/:objectId/events`,
    async (request) => {
      const { query } = request;
      const limit = limitParam(single(query, 'limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const cursor = cursorParam(single(query, 'after'), ['number', 'string', 'string']);
      const since = isoTimeParam('since', single(query, 'since'));
      const until = isoTimeParam('until', single(query, 'until'));
      const render = single(query, 'render');
      if (render !== undefined && render !== 'detail' && render !== 'header') {
        throw invalidInput([
          {
            message: `render must be 'detail' or 'header', got '${render}'`,
            code: 'INVALID_ENUM',
            in: 'render',
          },
        ]);
      }
      const eventTemplateId = single(query, 'eventTemplateId');
      const after: TimelinePosition | undefined = cursor && {
        timestamp: cursor[0] as number,
        id: cursor[1] as string,
        eventTemplateId: cursor[2] as string,
      };
      const page = await timeline.events(
        request.timelinePortal,
        request.params.objectType,
        request.params.objectId,
        {
          limit,
          detail: render === 'detail',
          ...(after ? { after } : {}),
          ...(eventTemplateId !== undefined ? { eventTemplateId } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
        },
      );
      const wire: Record<string, unknown> = { results: page.entries.map(timelineEntryToWire) };
      if (page.next)
        wire.paging = pagingToWire(
          encodeCursor([page.next.timestamp, page.next.id, page.next.eventTemplateId]),
        );
      return wire;
    },
  );

  app.get<{ Params: ObjectParams; Querystring: Query }>(
    `${TIMELINE_API_PREFIX}/objects/:objectType`,
    async (request) => {
      const { query } = request;
      const limit = limitParam(single(query, 'limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const cursor = cursorParam(single(query, 'after'), ['number', 'string']);
      const after: ActivityPosition | undefined = cursor && {
        lastEventAt: cursor[0] as number,
        objectId: cursor[1] as string,
      };
      const q = single(query, 'q');
      const page = await timeline.records(request.timelinePortal, request.params.objectType, {
        limit,
        ...(after ? { after } : {}),
        ...(q !== undefined ? { q } : {}),
      });
      const wire: Record<string, unknown> = { results: page.records.map(recordActivityToWire) };
      if (page.next) wire.paging = pagingToWire(encodeCursor([page.next.lastEventAt, page.next.objectId]));
      return wire;
    },
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The portal a `/_timeline` request reads (set by its onRequest hook). */
    timelinePortal: number;
  }
}
