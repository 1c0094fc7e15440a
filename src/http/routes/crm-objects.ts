/** The minimal CRM objects API (`/crm/v3/objects/...`) that events attach to, custom objects included. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TIMELINE_READ_SCOPES } from '../../domain/api-versions.js';
import { STANDARD_OBJECT_TYPES } from '../../domain/types.js';
import { ApiError } from '../../errors.js';
import { accessTokenHook, tokenOf } from '../auth-hooks.js';
import type { AppDeps } from '../deps.js';
import { pagingToWire, recordToWire } from '../presenters.js';
import { booleanParam, limitParam, singleParam } from '../query-params.js';

/** A custom object type as a path names it: `2-123` or `p{portalId}_{name}`. */
const CUSTOM_TYPE_NAME = /^(2-\d+|p\d+_.+)$/;

interface TypeParams {
  objectType: string;
}
interface RecordParams extends TypeParams {
  id: string;
}
interface ReadQuery {
  properties?: string | string[];
  idProperty?: string;
  /** Archived records are deleted here: `archived=true` finds none (any letter case, as Java reads it). */
  archived?: string;
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

export async function crmObjectRoutes(
  app: FastifyInstance,
  { store, records, schemas, config, clock }: AppDeps,
): Promise<void> {
  app.addHook(
    'onRequest',
    accessTokenHook(
      store,
      (request) => {
        const { objectType = 'contacts' } = request.params as Partial<TypeParams>;
        // Custom objects (by id or fully qualified name) take HubSpot's `crm.objects.custom.*` scopes.
        const scopeType = (STANDARD_OBJECT_TYPES as readonly string[]).includes(objectType)
          ? objectType
          : CUSTOM_TYPE_NAME.test(objectType)
            ? 'custom'
            : undefined;
        // An unknown type is answered by the route (400); any token may learn that.
        if (scopeType === undefined) return TIMELINE_READ_SCOPES;
        const read = [`crm.objects.${scopeType}.read`, `crm.objects.${scopeType}.write`];
        const isRead = request.method === 'GET' || request.url.split('?')[0]?.endsWith('/search');
        return isRead ? read : read.slice(1);
      },
      clock,
    ),
  );

  /** The object type of the path: a standard one, or a custom one of the token's portal. */
  const objectTypeOf = async (request: FastifyRequest) =>
    schemas.resolveObjectType(tokenOf(request).portalId, (request.params as TypeParams).objectType);

  app.post('/crm/v3/objects/contacts/search', async (request) => {
    const token = tokenOf(request);
    const found = await records.searchContacts(token.portalId, request.body);
    const properties = requestedProperties({
      properties: (request.body as { properties?: string[] } | null)?.properties,
    });
    return { total: found.length, results: found.map((record) => recordToWire(record, properties)) };
  });

  app.post<{ Params: TypeParams }>('/crm/v3/objects/:objectType', async (request, reply) => {
    const { objectType, schema } = await objectTypeOf(request);
    const required = schema?.requiredProperties ?? [];
    const record = await records.create(tokenOf(request).portalId, objectType, request.body, required);
    return reply.code(201).send(recordToWire(record, Object.keys(record.properties)));
  });

  app.get<{ Params: TypeParams; Querystring: ListQuery }>('/crm/v3/objects/:objectType', async (request) => {
    const { query } = request;
    const limit = limitParam(query.limit, 10, config.limits.MAX_PAGE_SIZE);
    const { objectType } = await objectTypeOf(request);
    if (booleanParam('archived', query.archived, false)) return { results: [] };
    const page = await records.list(
      tokenOf(request).portalId,
      objectType,
      limit,
      singleParam('after', query.after),
    );
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
      if (booleanParam('archived', query.archived, false)) {
        throw new ApiError('CRM_OBJECT_NOT_FOUND', { id: params.id });
      }
      const record = await records.get(
        tokenOf(request).portalId,
        (await objectTypeOf(request)).objectType,
        params.id,
        singleParam('idProperty', query.idProperty),
      );
      return recordToWire(record, requestedProperties(query));
    },
  );

  app.patch<{ Params: RecordParams }>('/crm/v3/objects/:objectType/:id', async (request) => {
    const { params } = request;
    const record = await records.update(
      tokenOf(request).portalId,
      (await objectTypeOf(request)).objectType,
      params.id,
      request.body,
    );
    return recordToWire(record, Object.keys(record.properties));
  });

  app.delete<{ Params: RecordParams }>('/crm/v3/objects/:objectType/:id', async (request, reply) => {
    const { params } = request;
    await records.archive(tokenOf(request).portalId, (await objectTypeOf(request)).objectType, params.id);
    return reply.code(204).send();
  });
}
