/** v3's event templates and their tokens (`?hapikey=`, or a developers-* Bearer token). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {
  TemplateCreateInput,
  TemplateUpdateInput,
  TokenUpdateInput,
} from '../../domain/template-service.js';
import type { TokenInput } from '../../domain/token-rules.js';
import { developerHook } from '../auth-hooks.js';
import type { VersionedDeps } from '../deps.js';
import { schemaProblems } from '../error-handler.js';
import { templateToWire, tokenToWire } from '../presenters.js';
import { type CoercibleSchema, coerceScalars } from '../schemas/coerce-scalars.js';
import {
  templateCreateBody,
  templateUpdateBody,
  tokenCreateBody,
  tokenUpdateBody,
} from '../schemas/template-schemas.js';

interface AppParams {
  appId: string;
}
interface TemplateParams extends AppParams {
  eventTemplateId: string;
}
interface TokenParams extends TemplateParams {
  tokenName: string;
}

export async function eventTemplateRoutes(app: FastifyInstance, deps: VersionedDeps): Promise<void> {
  const { store, templates, clock, version } = deps;
  app.addHook('onRequest', developerHook(store, clock, version));
  const appIdOf = (params: AppParams) => Number(params.appId);
  // HubSpot lists every bad field of a body in one 400. The schema's findings are attached to the
  // request (not thrown) and handed to the service, which adds the rules JSON Schema cannot state.
  const problemsOf = (request: FastifyRequest) => schemaProblems(request.validationError);
  // Scalars are coerced as HubSpot's Jackson does before the schema sees the body.
  const coerced = (schema: CoercibleSchema) => async (request: FastifyRequest) => {
    request.body = coerceScalars(request.body, schema);
  };

  app.get<{ Params: AppParams }>('/:appId/event-templates', async (request) => {
    const list = await templates.list(appIdOf(request.params));
    // HubSpot's list has no paging: every template of the app in one `results` array.
    return { results: list.map(templateToWire) };
  });

  app.post<{ Params: AppParams; Body: TemplateCreateInput }>(
    '/:appId/event-templates',
    {
      schema: { body: templateCreateBody },
      attachValidation: true,
      preValidation: coerced(templateCreateBody),
    },
    async (request, reply) => {
      const template = await templates.create(appIdOf(request.params), request.body, problemsOf(request));
      return reply.code(201).send(templateToWire(template));
    },
  );

  app.get<{ Params: TemplateParams }>('/:appId/event-templates/:eventTemplateId', async (request) => {
    const { params } = request;
    return templateToWire(await templates.get(appIdOf(params), params.eventTemplateId));
  });

  app.put<{ Params: TemplateParams; Body: TemplateUpdateInput }>(
    '/:appId/event-templates/:eventTemplateId',
    {
      schema: { body: templateUpdateBody },
      attachValidation: true,
      preValidation: coerced(templateUpdateBody),
    },
    async (request) => {
      const { params } = request;
      return templateToWire(
        await templates.update(appIdOf(params), params.eventTemplateId, request.body, problemsOf(request)),
      );
    },
  );

  app.delete<{ Params: TemplateParams }>(
    '/:appId/event-templates/:eventTemplateId',
    async (request, reply) => {
      const { params } = request;
      await templates.archive(appIdOf(params), params.eventTemplateId);
      return reply.code(204).send();
    },
  );

  // HubSpot answers a token create with 200, not 201: the official client accepts only 200 here.
  app.post<{ Params: TemplateParams; Body: TokenInput }>(
    '/:appId/event-templates/:eventTemplateId/tokens',
    { schema: { body: tokenCreateBody }, attachValidation: true, preValidation: coerced(tokenCreateBody) },
    async (request) => {
      const { params } = request;
      return tokenToWire(
        await templates.createToken(
          appIdOf(params),
          params.eventTemplateId,
          request.body,
          problemsOf(request),
        ),
      );
    },
  );

  app.put<{ Params: TokenParams; Body: TokenUpdateInput }>(
    '/:appId/event-templates/:eventTemplateId/tokens/:tokenName',
    { schema: { body: tokenUpdateBody }, attachValidation: true, preValidation: coerced(tokenUpdateBody) },
    async (request) => {
      const { params } = request;
      return tokenToWire(
        await templates.updateToken(
          appIdOf(params),
          params.eventTemplateId,
          params.tokenName,
          request.body,
          problemsOf(request),
        ),
      );
    },
  );

  app.delete<{ Params: TokenParams }>(
    '/:appId/event-templates/:eventTemplateId/tokens/:tokenName',
    async (request, reply) => {
      const { params } = request;
      await templates.archiveToken(appIdOf(params), params.eventTemplateId, params.tokenName);
      return reply.code(204).send();
    },
  );
}
