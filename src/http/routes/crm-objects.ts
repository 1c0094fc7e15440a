/** The minimal CRM objects API (`/crm/v3/objects/...`) that events attach to. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { STANDARD_OBJECT_TYPES } from '../../domain/types.js';
import { ApiError } from '../../errors.js';
import { accessTokenHook, TIMELINE_READ_SCOPES, tokenOf } from '../auth-hooks.js';
import type { AppDeps } from '../deps.js';
import { pagingToWire, recordToWire } from '../presenters.js';
import { limitParam } from '../query-params.js';

interface TypeParams {
  objectType: string;
}
interface RecordParams extends TypeParams {
  id: string;
}
interface ReadQuery {
  properties?: string | string[];
  idProperty?: string;
}
interface ListQuery extends ReadQuery {
  limit?: string;
  after?: string;
}

/** `?properties=a,b` and `?properties=a&properties=b` both name properties, as on HubSpot. */
function requestedProperties(query: ReadQuery): string[] | undefined {
  if (query.properties === undefined) return undefined;
  const values = Array.isArray(query.properties) ? query.properties : [query.properties];
  return values
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
}

function objectTypeOf(request: FastifyRequest): string {
  const { objectType } = request.params as TypeParams;
  if (!(STANDARD_OBJECT_TYPES as readonly string[]).includes(objectType)) {
    throw new ApiError('UNKNOWN_OBJECT_TYPE', { objectType });
  }
  return objectType;
}

export async function crmObjectRoutes(
  app: FastifyInstance,
  { store, records, config, clock }: AppDeps,
): Promise<void> {
  app.addHook(
    'onRequest',
    accessTokenHook(
      store,
      (request) => {
        const { objectType = 'contacts' } = request.params as Partial<TypeParams>;
        // An unknown type is answered by the route (400); any token may learn that.
        if (!(STANDARD_OBJECT_TYPES as readonly string[]).includes(objectType)) return TIMELINE_READ_SCOPES;
        const read = [`crm.objects.${objectType}.read`, `crm.objects.${objectType}.write`];
        const isRead = request.method === 'GET' || request.url.split('?')[0]?.endsWith('/search');
        return isRead ? read : read.slice(1);
      },
      clock,
    ),
  );

  app.post('/crm/v3/objects/contacts/search', async (request) => {
    const token = tokenOf(request);
    const found = await records.searchContacts(token.portalId, request.body);
    const properties = requestedProperties({
      properties: (request.body as { properties?: string[] } | null)?.properties,
    });
    return { total: found.length, results: found.map((record) => recordToWire(record, properties)) };
  });

  app.post<{ Params: TypeParams }>('/crm/v3/objects/:objectType', async (request, reply) => {
    const record = await records.create(tokenOf(request).portalId, objectTypeOf(request), request.body);
    return reply.code(201).send(recordToWire(record, Object.keys(record.properties)));
  });

  app.get<{ Params: TypeParams; Querystring: ListQuery }>('/crm/v3/objects/:objectType', async (request) => {
    const { query } = request;
    const limit = limitParam(query.limit, 10, config.limits.MAX_PAGE_SIZE);
    const page = await records.list(tokenOf(request).portalId, objectTypeOf(request), limit, query.after);
    const properties = requestedProperties(query);
    const body: Record<string, unknown> = {
      results: page.results.map((record) => recordToWire(record, properties)),
    };
    if (page.after !== undefined) {
      body.paging = pagingToWire(
        page.after,
        `${request.url.split('?')[0]}?limit=${limit}&after=${page.after}`,
      );
    }
    return body;
  });

  app.get<{ Params: RecordParams; Querystring: ReadQuery }>(
    '/crm/v3/objects/:objectType/:id',
    async (request) => {
      const { params, query } = request;
      const record = await records.get(
        tokenOf(request).portalId,
        objectTypeOf(request),
        params.id,
        query.idProperty,
      );
      return recordToWire(record, requestedProperties(query));
    },
  );

  app.patch<{ Params: RecordParams }>('/crm/v3/objects/:objectType/:id', async (request) => {
    const { params } = request;
    const record = await records.update(
      tokenOf(request).portalId,
      objectTypeOf(request),
      params.id,
      request.body,
    );
    return recordToWire(record, Object.keys(record.properties));
  });

  app.delete<{ Params: RecordParams }>('/crm/v3/objects/:objectType/:id', async (request, reply) => {
    const { params } = request;
    await records.archive(tokenOf(request).portalId, objectTypeOf(request), params.id);
    return reply.code(204).send();
  });
}
