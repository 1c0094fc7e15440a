/**
 * The wire shapes, built in one place: domain objects (epoch-ms times, typed fields) to HubSpot's
 * JSON (ISO-8601 times, field names and presence exactly as HubSpot answers them).
 */

import type { BatchOutcome } from '../domain/event-service.js';
import type { CrmRecord, EventTemplate, ObjectType, TemplateToken, TimelineEvent } from '../domain/types.js';
import { type ApiError, type ErrorDetail, errorMessage } from '../errors.js';

let lastMs = Number.NaN;
let lastIso = '';
/** ISO-8601 of epoch ms. Events of one request share their createdAt: the last answer is kept. */
export function iso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

export function tokenToWire(token: TemplateToken): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    name: token.name,
    label: token.label,
    type: token.type,
    options: token.options,
    createdAt: iso(token.createdAt),
    updatedAt: iso(token.updatedAt),
  };
  if (token.objectPropertyName !== undefined) wire.objectPropertyName = token.objectPropertyName;
  return wire;
}

export function templateToWire(template: EventTemplate): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: template.id,
    name: template.name,
    objectType: template.objectType,
    tokens: template.tokens.map(tokenToWire),
    createdAt: iso(template.createdAt),
    updatedAt: iso(template.updatedAt),
  };
  if (template.headerTemplate !== undefined) wire.headerTemplate = template.headerTemplate;
  if (template.detailTemplate !== undefined) wire.detailTemplate = template.detailTemplate;
  return wire;
}

export interface EventWire {
  eventTemplateId: string;
  id: string;
  objectType: ObjectType;
  objectId: string;
  tokens: Record<string, string>;
  timestamp: string;
  createdAt: string;
  extraData?: unknown;
  timelineIFrame?: unknown;
  email?: string;
  utk?: string;
  domain?: string;
}

export function eventToWire(event: TimelineEvent): EventWire {
  const wire: EventWire = {
    eventTemplateId: event.eventTemplateId,
    id: event.id,
    objectType: event.objectType,
    objectId: event.objectId,
    tokens: event.tokens,
    timestamp: iso(event.timestamp),
    createdAt: iso(event.createdAt),
  };
  if (event.extraData !== undefined) wire.extraData = event.extraData;
  if (event.timelineIFrame !== undefined) wire.timelineIFrame = event.timelineIFrame;
  if (event.email !== undefined) wire.email = event.email;
  if (event.utk !== undefined) wire.utk = event.utk;
  if (event.domain !== undefined) wire.domain = event.domain;
  return wire;
}

/** HubSpot's `StandardError`: one failed input of a batch (a 207's `errors` items). */
export interface StandardError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  links: Record<string, string>;
  errors: ErrorDetail[];
  subCategory?: string;
}

/** A failed batch input as HubSpot answers it, the input's own context added to the error's. */
export function toStandardError(error: ApiError, context: Record<string, string[]>): StandardError {
  const item: StandardError = {
    status: 'error',
    category: error.category,
    message: error.message,
    context: { ...error.context, ...context },
    links: {},
    errors: error.details,
  };
  if (error.subCategory) item.subCategory = error.subCategory;
  return item;
}

export interface BatchWire {
  status: 'COMPLETE';
  results: EventWire[];
  requestedAt: string;
  startedAt: string;
  completedAt: string;
  links: Record<string, string>;
  numErrors?: number;
  errors?: StandardError[];
}

export function batchToWire(outcome: BatchOutcome): BatchWire {
  const wire: BatchWire = {
    status: 'COMPLETE',
    results: outcome.results.map(eventToWire),
    requestedAt: iso(outcome.requestedAt),
    startedAt: iso(outcome.startedAt),
    completedAt: iso(outcome.completedAt),
    links: {},
  };
  if (outcome.errors.length > 0) {
    wire.numErrors = outcome.errors.length;
    wire.errors = outcome.errors.map((failed) => toStandardError(failed.error, failed.context));
  }
  return wire;
}

/** HubSpot's CRM paging block: the cursor of the next page and a link to it. */
export function pagingToWire(after: string, link?: string): { next: { after: string; link?: string } } {
  return { next: link === undefined ? { after } : { after, link } };
}

/** HubSpot answers these properties when a read names none. */
const DEFAULT_PROPERTIES: Record<string, readonly string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
  tickets: [
    'content',
    'createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
    'hs_pipeline',
    'hs_pipeline_stage',
    'hs_ticket_category',
    'hs_ticket_priority',
    'subject',
  ],
};

/**
 * A record in HubSpot's SimplePublicObject shape. Requested properties that have no value answer
 * `null`, as HubSpot's do; the system properties (id, create and modify dates) are always there.
 */
export function recordToWire(record: CrmRecord, requested?: readonly string[]): Record<string, unknown> {
  const modifiedName = record.objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
  const system: Record<string, string> = {
    createdate: iso(record.createdAt),
    hs_object_id: record.id,
    [modifiedName]: iso(record.updatedAt),
  };
  const names = requested ?? DEFAULT_PROPERTIES[record.objectType] ?? [];
  const properties: Record<string, string | null> = { ...system };
  for (const name of names) properties[name] = system[name] ?? record.properties[name] ?? null;
  return {
    id: record.id,
    properties,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    archived: false,
  };
}

// issue 10: HubSpot's rate-limit answer, and the answers of injected faults
/** HubSpot's 429: `errorType` and `policyName` instead of the usual `category`. */
export function rateLimitErrorToWire(
  policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY',
  correlationId: string,
): Record<string, string> {
  return {
    status: 'error',
    message: errorMessage(policyName === 'DAILY' ? 'RATE_LIMIT_DAILY' : 'RATE_LIMIT_TEN_SECONDLY'),
    errorType: 'RATE_LIMIT',
    correlationId,
    policyName,
  };
}

/**
 * HubSpot's 502 and 504 come from its gateway (nginx) as an HTML page, not JSON, as users report
 * them (e.g. HubSpot/hubspot-php#315); clients must cope with that, so a fault answers the same.
 */
export function gatewayErrorPage(status: 502 | 504): string {
  const title = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body bgcolor="white">\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}
