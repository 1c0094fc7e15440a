/**
 * Response schemas of the event creates' 201 answers, so Fastify serialises them with a compiled
 * fast-json-stringify function instead of `JSON.stringify` (the 100-result echo of a batch
 * is the largest answer the server makes under load). They mirror `EventWire` and `BatchWire` of
 * `presenters.ts` field for field and in the same order; a field left out here would be dropped from
 * the answer, so the event tests compare whole bodies. `extraData` and `timelineIFrame` are
 * whatever JSON was sent (an empty schema: written by `JSON.stringify`, key order kept). A 207
 * (some inputs failed) is declared with an empty schema, so it is written by `JSON.stringify` too.
 */
const text = { type: 'string' } as const;

export const eventResponse = {
  type: 'object',
  required: ['eventTemplateId', 'id', 'objectType', 'objectId', 'tokens', 'timestamp', 'createdAt'],
  properties: {
    eventTemplateId: text,
    id: text,
    objectType: text,
    objectId: text,
    tokens: { type: 'object', additionalProperties: text },
    timestamp: text,
    createdAt: text,
    extraData: {},
    timelineIFrame: {},
    email: text,
    utk: text,
    domain: text,
    customObjectTypeId: text,
  },
} as const;

/** A batch where every input was created (201): no `numErrors`, no `errors`. */
export const batchCreatedResponse = {
  type: 'object',
  required: ['status', 'results', 'requestedAt', 'startedAt', 'completedAt', 'links'],
  properties: {
    status: text,
    results: { type: 'array', items: eventResponse },
    requestedAt: text,
    startedAt: text,
    completedAt: text,
    links: { type: 'object', additionalProperties: text },
  },
} as const;
