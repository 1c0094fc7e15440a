/**
 * The OpenAPI 3 document Prism mocks: the two create operations of the Timeline Events API v3 (batch
 * and single), with HubSpot's request schemas (BatchInputTimelineEvent, TimelineEvent), a Bearer
 * scheme, and 201 responses whose examples have the size of our answers (one result per input).
 */
import { API, type BenchEvent, benchEvent } from './bodies.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };

const TimelineEvent: Schema = {
  type: 'object',
  required: ['eventTemplateId', 'tokens'],
  properties: {
    eventTemplateId: str,
    tokens: { type: 'object', additionalProperties: { oneOf: [str, { type: 'number' }] } },
    id: str,
    objectId: str,
    email: str,
    utk: str,
    domain: str,
    customObjectTypeId: str,
    timestamp: { type: 'string', format: 'date-time' },
    extraData: {},
    timelineIFrame: ref('TimelineEventIFrame'),
  },
};

const TimelineEventIFrame: Schema = {
  type: 'object',
  required: ['linkLabel', 'headerLabel', 'url', 'width', 'height'],
  properties: {
    linkLabel: str,
    headerLabel: str,
    url: str,
    width: { type: 'integer' },
    height: { type: 'integer' },
  },
};

const TimelineEventResponse: Schema = {
  type: 'object',
  required: ['id', 'eventTemplateId', 'tokens', 'objectType'],
  properties: {
    ...(TimelineEvent.properties as Schema),
    tokens: { type: 'object', additionalProperties: str },
    objectType: str,
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const BatchInputTimelineEvent: Schema = {
  type: 'object',
  required: ['inputs'],
  properties: { inputs: { type: 'array', items: ref('TimelineEvent') } },
};

const BatchResponseTimelineEventResponse: Schema = {
  type: 'object',
  required: ['status', 'results', 'startedAt', 'completedAt'],
  properties: {
    status: { type: 'string', enum: ['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE'] },
    results: { type: 'array', items: ref('TimelineEventResponse') },
    requestedAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time' },
    completedAt: { type: 'string', format: 'date-time' },
    links: { type: 'object', additionalProperties: str },
  },
};

const StandardErrorBody: Schema = {
  type: 'object',
  required: ['status', 'message', 'correlationId', 'category'],
  properties: { status: str, message: str, correlationId: str, category: str },
};

const NOW = '2020-01-30T18:13:25.000Z';

function responseExample(event: BenchEvent, i: number): Record<string, unknown> {
  return {
    ...event,
    id: `bench-${i}`,
    objectType: 'contacts',
    objectId: String(i + 1),
    timestamp: NOW,
    createdAt: NOW,
  };
}

function created(schema: string, example: unknown): Schema {
  return {
    description: 'created',
    content: { 'application/json': { schema: ref(schema), example } },
  };
}

const errors: Schema = {
  '400': { description: 'invalid', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'unauthorized', content: { 'application/json': { schema: ref('Error') } } },
};

/** The document, with a batch response example of `batchSize` results for template `templateId`. */
export function timelineOpenApi(templateId: string, batchSize: number): Record<string, unknown> {
  const results = Array.from({ length: batchSize }, (_, i) =>
    responseExample(benchEvent(templateId, 100000), i),
  );
  const requestBody = (schema: string) => ({
    required: true,
    content: { 'application/json': { schema: ref(schema) } },
  });
  return {
    openapi: '3.0.3',
    info: { title: 'HubSpot CRM Timeline Events v3 (create operations)', version: 'v3' },
    security: [{ bearer: [] }],
    paths: {
      [`${API}/events/batch/create`]: {
        post: {
          operationId: 'post-/integrators/timeline/v3/events/batch/create_createBatch',
          requestBody: requestBody('BatchInputTimelineEvent'),
          responses: {
            '201': created('BatchResponseTimelineEventResponse', {
              status: 'COMPLETE',
              results,
              requestedAt: NOW,
              startedAt: NOW,
              completedAt: NOW,
              links: {},
            }),
            ...errors,
          },
        },
      },
      [`${API}/events`]: {
        post: {
          operationId: 'post-/integrators/timeline/v3/events_create',
          requestBody: requestBody('TimelineEvent'),
          responses: { '201': created('TimelineEventResponse', results[0]), ...errors },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        TimelineEvent,
        TimelineEventIFrame,
        TimelineEventResponse,
        BatchInputTimelineEvent,
        BatchResponseTimelineEventResponse,
        Error: StandardErrorBody,
      },
    },
  };
}
