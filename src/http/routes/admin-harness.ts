/**
 * The admin API a test suite drives (`/_admin/v1`, admin token): reset, the movable clock, the
 * request journal and fault injection. See docs/testing.md.
 */
import type { FastifyInstance } from 'fastify';
import { isObject } from '../../domain/json.js';
import { pathMatcher } from '../../domain/path-match.js';
import type { JournalFilter } from '../../domain/request-journal.js';
import { ApiError, invalidInput } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { integerParam } from '../query-params.js';

/** *Ours*: the clock moves forward by at most a year per call, never back (except to real time). */
const MAX_ADVANCE_MS = 366 * 86_400_000;

interface JournalQuery {
  path?: string;
  method?: string;
  status?: string;
  portalId?: string;
  limit?: string;
}

export async function adminHarnessRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { clock, journal, faults, resets, seeds, seedDefaults } = deps;

  app.post('/_admin/v1/seed', async (request, reply) =>
    reply.code(201).send(await seeds.seed(request.body, seedDefaults)),
  );

  app.post('/_admin/v1/reset', async (request) => {
    const body = request.body ?? {};
    if (!isObject(body))
      throw invalidInput([{ message: 'The body must be a JSON object', code: 'INVALID_TYPE', in: 'body' }]);
    const { portalId } = body;
    if (
      portalId !== undefined &&
      !(typeof portalId === 'number' && Number.isSafeInteger(portalId) && portalId > 0)
    )
      throw invalidInput([
        { message: 'portalId must be a positive integer', code: 'INVALID_TYPE', in: 'portalId' },
      ]);
    await resets.reset(portalId);
    return portalId === undefined ? { reset: 'all' } : { reset: 'portal', portalId };
  });

  const clockState = () => ({ now: new Date(clock.now()).toISOString(), offsetMs: clock.offsetMs });
  app.get('/_admin/v1/clock', async () => clockState());
  app.post('/_admin/v1/clock', async (request) => {
    const advanceMs = isObject(request.body) ? request.body.advanceMs : undefined;
    if (
      !(
        typeof advanceMs === 'number' &&
        Number.isInteger(advanceMs) &&
        advanceMs >= 0 &&
        advanceMs <= MAX_ADVANCE_MS
      )
    ) {
      throw invalidInput([
        {
          message: `advanceMs must be an integer from 0 to ${MAX_ADVANCE_MS}`,
          code: advanceMs === undefined ? 'REQUIRED_FIELD' : 'INVALID_VALUE',
          in: 'advanceMs',
        },
      ]);
    }
    clock.advance(advanceMs);
    return clockState();
  });
  app.delete('/_admin/v1/clock', async () => {
    clock.realTime();
    return clockState();
  });

  app.get<{ Querystring: JournalQuery }>('/_admin/v1/requests', async (request) => {
    const { query } = request;
    const filter: JournalFilter = {
      limit: integerParam('limit', query.limit, 1, Math.max(1, journal.size)) ?? 100,
    };
    if (query.path !== undefined) filter.pathMatches = pathMatcher(query.path);
    if (query.method !== undefined) filter.method = query.method.toUpperCase();
    const status = integerParam('status', query.status, 100, 599);
    if (status !== undefined) filter.status = status;
    const portalId = integerParam('portalId', query.portalId, 0, 2 ** 53 - 1);
    if (portalId !== undefined) filter.portalId = portalId;
    return { results: journal.list(filter) };
  });
  app.delete('/_admin/v1/requests', async (_request, reply) => {
    journal.clear();
    return reply.code(204).send();
  });

  app.post('/_admin/v1/faults', async (request, reply) => reply.code(201).send(faults.add(request.body)));
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
