/**
 * The admin API (`/_admin/v1`, outside HubSpot's paths): portals and their time zones, developer
 * accounts and apps, access tokens. Authenticated by `Authorization: Bearer <admin token>`.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type AdminCredential, bearerOf } from '../../domain/credentials/authentication.js';
import { parseRateLimit } from '../../domain/rate-limit-policy.js';
import { ApiError, invalidInput } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { appEventTypeToWire } from '../presenters.js';
import { adminHarnessRoutes, optionalBody } from './admin-harness.js';

/** The admin token, and nothing else: a HubSpot access token or `?hapikey=` gets a 401. */
export function adminTokenHook(admin: AdminCredential) {
  return async (request: FastifyRequest) => {
    const given = bearerOf(request.headers.authorization);
    if (!given) throw new ApiError('MISSING_CREDENTIALS');
    if (!admin.matches(given)) throw new ApiError('INVALID_ACCESS_TOKEN');
  };
}

/** `PUT /_admin/v1/portals/{id}`: the zone (an IANA name, checked by the tenant service) and rate limit. */
const PortalSchema = Type.Object(
  {
    timeZone: Type.Optional(Type.String({ minLength: 1 })),
    rateLimit: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);

/** A portal's rate-limit setting in the syntax `--rate-limit` takes; another is a 400 naming it. */
function checkRateLimit(value: string | null | undefined): void {
  if (typeof value !== 'string') return;
  try {
    parseRateLimit(value);
  } catch (error) {
    throw invalidInput([
      { message: `rateLimit ${(error as Error).message}`, code: 'INVALID_VALUE', in: 'rateLimit' },
    ]);
  }
}

export async function adminRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { tenants, admin, rateLimiter, store, appEventTypes, oauth } = deps;
  app.addHook('onRequest', adminTokenHook(admin));
  // Reset, clock, journal, faults, seed (under the same admin-token hook).
  await adminHarnessRoutes(app, deps);

  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .put(
      '/_admin/v1/portals/:portalId',
      { schema: { body: optionalBody(PortalSchema) } },
      async (request) => {
        const { portalId } = request.params as { portalId: string };
        if (!/^[1-9]\d{0,14}$/.test(portalId)) {
          throw invalidInput([
            { message: 'portalId must be a positive integer', code: 'INVALID_TYPE', in: 'portalId' },
          ]);
        }
        const { rateLimit, timeZone } = request.body ?? {};
        checkRateLimit(rateLimit);
        const portal = await tenants.putPortal(Number(portalId), timeZone === undefined ? {} : { timeZone });
        rateLimiter.portalChanged(portal.id);
        if (rateLimit !== undefined) await rateLimiter.setPortalSetting(portal.id, rateLimit);
        const setting = await store.getPortalRateLimit(portal.id);
        return setting === undefined ? portal : { ...portal, rateLimit: setting };
      },
    );

  app.post('/_admin/v1/developer-accounts', async (request, reply) =>
    reply.code(201).send(await tenants.createDeveloperAccount(request.body ?? {})),
  );

  app.post('/_admin/v1/access-tokens', async (request, reply) =>
    reply.code(201).send(await tenants.createAccessToken(request.body ?? {})),
  );

  // App event types, one hsmeta document at a time (create, or replace by uid)
  const appOf = async (appId: string): Promise<number> => {
    const app = /^[1-9]\d{0,14}$/.test(appId) ? await store.findApp(Number(appId)) : undefined;
    if (!app) {
      throw invalidInput([
        {
          message: `No app ${appId}: create it with a developer account first`,
          code: 'INVALID_VALUE',
          in: 'appId',
        },
      ]);
    }
    return app.id;
  };
  app.post<{ Params: { appId: string } }>(
    '/_admin/v1/apps/:appId/app-event-types',
    async (request, reply) => {
      const appId = await appOf(request.params.appId);
      const { type, created } = await appEventTypes.put(appId, request.body, 'request body');
      return reply.code(created ? 201 : 200).send(appEventTypeToWire(type));
    },
  );
  // An app the admin trusts with a portal is installed there by /oauth/authorize without anyone of the
  // portal approving it (what `--oauth-auto-approve` does for the provisioned app and portal).
  const portalOf = async (portalId: string): Promise<number> => {
    const portal = /^[1-9]\d{0,14}$/.test(portalId) ? await store.getPortal(Number(portalId)) : undefined;
    if (!portal) {
      throw invalidInput([
        { message: `No portal ${portalId}: create it first`, code: 'INVALID_VALUE', in: 'portalId' },
      ]);
    }
    return portal.id;
  };
  app.put<{ Params: { appId: string; portalId: string } }>(
    '/_admin/v1/apps/:appId/trusted-portals/:portalId',
    async (request) => {
      const [appId, portalId] = [await appOf(request.params.appId), await portalOf(request.params.portalId)];
      await oauth.setTrusted(appId, portalId, true);
      return { appId, portalId, trusted: true };
    },
  );
  app.delete<{ Params: { appId: string; portalId: string } }>(
    '/_admin/v1/apps/:appId/trusted-portals/:portalId',
    async (request, reply) => {
      const [appId, portalId] = [await appOf(request.params.appId), await portalOf(request.params.portalId)];
      await oauth.setTrusted(appId, portalId, false);
      return reply.code(204).send();
    },
  );
  app.get<{ Params: { appId: string } }>('/_admin/v1/apps/:appId/app-event-types', async (request) => {
    const appId = await appOf(request.params.appId);
    return { results: (await appEventTypes.list(appId)).map(appEventTypeToWire) };
  });
}
