/**
 * The record timeline API (ours, outside HubSpot's paths): a record's events newest first and a
 * portal's records by latest activity, in HubSpot's CRM list shape
 * (`{results, paging: {next: {after}}}`, no `paging` on the last page).
 *
 * Credentials: a HubSpot access token holding `timeline` or the object's read scope (its portal is
 * read, as far as its kind may see: credentials/viewer.ts), or the admin token with `?portalId=`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateAccessToken } from '../../domain/credentials/authentication.js';
import { adminViewer, tokenViewer, type Viewer } from '../../domain/credentials/viewer.js';
import { activityCursor } from '../../domain/cursors.js';
import { parseTimelineFilter } from '../../domain/timeline-filter.js';
import { invalidInput } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { pagingToWire, recordActivityToWire, timelineEntryToWire } from '../presenters.js';
import { cursorParam, limitParam } from '../query-params.js';

export const TIMELINE_API_PREFIX = '/_timeline/v1';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

interface ObjectParams {
  objectType: string;
}

/** Query parameters: a parameter given twice arrives as an array. */
type Query = Record<string, string | string[] | undefined>;

/** The read scope of an object type: custom objects (`2-123`) share HubSpot's `crm.objects.custom.read`. */
function readScope(objectType: string): string {
  return /^2-\d+$/.test(objectType) ? 'crm.objects.custom.read' : `crm.objects.${objectType}.read`;
}

/** Who reads: the access token's viewer, or the admin's of `?portalId=` with the admin token. */
async function viewerOf(
  request: FastifyRequest<{ Params: ObjectParams; Querystring: Query }>,
  deps: AppDeps,
): Promise<Viewer> {
  if (deps.admin.isBearer(request.headers.authorization)) {
    const raw = single(request.query, 'portalId');
    if (raw === undefined || !/^[1-9]\d{0,14}$/.test(raw)) {
      throw invalidInput([
        {
          message: 'portalId (a positive integer) is required with the admin token',
          code: raw === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE',
          in: 'portalId',
        },
      ]);
    }
    return adminViewer(Number(raw));
  }
  const scopes = ['timeline', readScope(request.params.objectType)];
  return tokenViewer(
    await authenticateAccessToken(deps.store, request.headers.authorization, scopes, deps.clock.now()),
  );
}

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) {
    throw invalidInput([{ message: `${name} must be given once`, code: 'INVALID_VALUE', in: name }]);
  }
  return value;
}

export async function recordTimelineRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { timeline } = deps;
  app.decorateRequest('timelineViewer', null);
  app.addHook('onRequest', async (request) => {
    request.timelineViewer = await viewerOf(
      request as FastifyRequest<{ Params: ObjectParams; Querystring: Query }>,
      deps,
    );
  });

  app.get<{ Params: ObjectParams & { objectId: string }; Querystring: Query }>(
    `${TIMELINE_API_PREFIX}/objects/:objectType/:objectId/events`,
    async (request) => {
      const { query } = request;
      const limit = limitParam(single(query, 'limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const after = cursorParam(single(query, 'after'), (text) => timeline.cursors.decode(text));
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
      const filter = parseTimelineFilter(query);
      const page = await timeline.events(
        viewerOfRequest(request),
        request.params.objectType,
        request.params.objectId,
        { limit, detail: render === 'detail', filter, ...(after ? { after } : {}) },
      );
      const wire: Record<string, unknown> = { results: page.entries.map(timelineEntryToWire) };
      if (page.next) wire.paging = pagingToWire(timeline.cursors.encode(page.next, page.nextSealed === true));
      return wire;
    },
  );

  app.get<{ Params: ObjectParams; Querystring: Query }>(
    `${TIMELINE_API_PREFIX}/objects/:objectType`,
    async (request) => {
      const { query } = request;
      const limit = limitParam(single(query, 'limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const after = cursorParam(single(query, 'after'), activityCursor.decode);
      const q = single(query, 'q');
      const page = await timeline.records(viewerOfRequest(request), request.params.objectType, {
        limit,
        ...(after ? { after } : {}),
        ...(q !== undefined ? { q } : {}),
      });
      const wire: Record<string, unknown> = { results: page.records.map(recordActivityToWire) };
      if (page.next) wire.paging = pagingToWire(activityCursor.encode(page.next));
      return wire;
    },
  );
}

/** Who a `/_timeline` request reads as (set by its onRequest hook). */
function viewerOfRequest(request: FastifyRequest): Viewer {
  if (!request.timelineViewer) throw new Error('route is missing its viewer hook');
  return request.timelineViewer;
}

declare module 'fastify' {
  interface FastifyRequest {
    timelineViewer: Viewer | null;
  }
}
