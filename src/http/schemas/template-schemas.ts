/**
 * JSON Schemas of the template and token bodies, compiled once by Fastify (Ajv, all errors).
 * They check types and presence; rules that need more (enumeration options, duplicate names,
 * limits, template syntax) are the domain's.
 */
import { TOKEN_TYPES } from '../../domain/types.js';

const tokenOption = {
  type: 'object',
  required: ['label', 'value'],
  properties: { label: { type: 'string' }, value: { type: 'string' } },
} as const;

export const tokenCreateBody = {
  type: 'object',
  required: ['name', 'label', 'type'],
  properties: {
    name: { type: 'string', minLength: 1 },
    label: { type: 'string' },
    type: { type: 'string', enum: TOKEN_TYPES },
    options: { type: 'array', items: tokenOption },
    objectPropertyName: { type: 'string', minLength: 1 },
  },
} as const;

export const tokenUpdateBody = {
  type: 'object',
  required: ['label'],
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    label: { type: 'string' },
    options: { type: 'array', items: tokenOption },
    objectPropertyName: { type: 'string', minLength: 1 },
  },
} as const;

const templateFields = {
  name: { type: 'string', minLength: 1 },
  objectType: { type: 'string' },
  headerTemplate: { type: 'string' },
  detailTemplate: { type: 'string' },
  tokens: { type: 'array', items: tokenCreateBody },
} as const;

// HubSpot's request types require `tokens` (an empty list will do) besides `name`; an update also
// requires `id`, which must equal the path's.
export const templateCreateBody = {
  type: 'object',
  required: ['name', 'tokens'],
  properties: templateFields,
} as const;

export const templateUpdateBody = {
  type: 'object',
  required: ['id', 'name', 'tokens'],
  properties: { ...templateFields, id: { type: 'string' } },
} as const;
