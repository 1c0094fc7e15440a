/**
 * The admin API a test suite drives (`/_admin/v1`, admin token): reset, seed, the server's clock,
 * the request journal and fault injection. Bodies are checked by their JSON Schemas (declared in
 * the domain, beside what they drive), through Fastify, into HubSpot's error envelope naming each
 * field. See docs/testing.md.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { ClockChangeSchema, changeClock, clockState } from '../../domain/clock-change.js';
import { FaultInputSchema } from '../../domain/faults.js';
import { pathMatcher } from '../../domain/path-match.js';
import type { JournalFilter } from '../../domain/request-journal.js';
import { SeedFixtureSchema } from '../../domain/seed-service.js';
import { ApiError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { schemaProblems } from '../error-handler.js';
import { integerParam } from '../query-params.js';

/**
 * A body that may be left out: Fastify validates a missing body as null, which such a route takes
 * as `{}`.
 */
export function optionalBody<T extends TSchema>(schema: T): T {
  return { ...schema, type: ['object', 'null'] } as unknown as T;
}

const ResetSchema = Type.Object(
  { portalId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) },
  { additionalProperties: false },
);

interface JournalQuery {
  path?: string;
  method?: string;
  status?: string;
  portalId?: string;
  limit?: string;
}

export async function adminHarnessRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { clock, journal, faults, resets, seeds, seedDefaults } = deps;

  // attachValidation: the fixture's shape problems and those only the store can find, in one 400.
  app.post(
    '/_admin/v1/seed',
    { schema: { body: SeedFixtureSchema }, attachValidation: true },
    async (request, reply) =>
      reply
        .code(201)
        .send(await seeds.seed(request.body, seedDefaults, schemaProblems(request.validationError, request))),
  );

  app.post('/_admin/v1/reset', { schema: { body: optionalBody(ResetSchema) } }, async (request) => {
    const { portalId } = request.body ?? {};
    await resets.reset(portalId);
    return portalId === undefined ? { reset: 'all' } : { reset: 'portal', portalId };
  });

  app.get('/_admin/v1/clock', async () => clockState(clock));
  app.post('/_admin/v1/clock', { schema: { body: ClockChangeSchema } }, async (request) =>
    changeClock(clock, request.body),
  );
  app.delete('/_admin/v1/clock', async () => {
    clock.realTime();
    return clockState(clock);
  });

  const filterOf = (query: JournalQuery): JournalFilter => {
    const filter: JournalFilter = {};
    if (query.path !== undefined) filter.pathMatches = pathMatcher(query.path);
    if (query.method !== undefined) filter.method = query.method.toUpperCase();
    const status = integerParam('status', query.status, 0, 599);
    if (status !== undefined) filter.status = status;
    const portalId = integerParam('portalId', query.portalId, 0, 2 ** 53 - 1);
    if (portalId !== undefined) filter.portalId = portalId;
    return filter;
  };
  app.get<{ Querystring: JournalQuery }>('/_admin/v1/requests', async (request) => {
    const limit = integerParam('limit', request.query.limit, 1, Math.max(1, journal.size)) ?? 100;
    return { results: journal.list({ ...filterOf(request.query), limit }) };
  });
  app.get<{ Querystring: JournalQuery }>('/_admin/v1/requests/count', async (request) => ({
    count: journal.countOf(filterOf(request.query)),
  }));
  app.delete('/_admin/v1/requests', async (_request, reply) => {
    journal.clear();
    return reply.code(204).send();
  });

  app.post('/_admin/v1/faults', { schema: { body: FaultInputSchema } }, async (request, reply) =>
    reply.code(201).send(faults.add(request.body)),
  );
  app.get('/_admin/v1/faults', async () => ({ results: faults.list() }));
  app.delete('/_admin/v1/faults', async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/_admin/v1/faults/:id', async (request, reply) => {
    if (!faults.remove(request.params.id)) throw new ApiError('FAULT_NOT_FOUND', { id: request.params.id });
    return reply.code(204).send();
  });
}
