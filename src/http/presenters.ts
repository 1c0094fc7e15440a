/**
 * The wire shapes, built in one place: domain objects (epoch-ms times, typed fields) to HubSpot's
 * JSON (ISO-8601 times, field names and presence exactly as HubSpot answers them).
 */

import { CUSTOM_OBJECT_TYPE_MARKER, wireObjectType } from '../domain/app-event-type-rules.js';
import { fullyQualifiedName } from '../domain/app-event-type-service.js';
import type { OccurrenceBatch, StoredOccurrence } from '../domain/events/app-event-service.js';
import type { BatchOutcome } from '../domain/events/v3-event-service.js';
import { ownValue, setOwn } from '../domain/json.js';
import { fullyQualifiedName as schemaFullyQualifiedName } from '../domain/object-schema-service.js';
import type { RecordActivity } from '../domain/store.js';
import type { TimelineEntry } from '../domain/timeline-service.js';
import {
  type CrmRecord,
  CUSTOM_OBJECT_TYPE,
  type EventTemplate,
  type ObjectSchema,
  type ObjectType,
  type SchemaProperty,
  type TemplateToken,
  type TimelineEvent,
} from '../domain/types.js';
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
  email?: string | undefined;
  utk?: string | undefined;
  domain?: string | undefined;
  customObjectTypeId?: string | undefined;
}

export function eventToWire(event: TimelineEvent): EventWire {
  // One object shape for every event, absent fields undefined (both the compiled serialiser and
  // JSON.stringify leave them out): a batch answer builds a hundred of these, and adding the
  // optional fields one by one made each a shape of its own.
  return {
    eventTemplateId: event.eventTemplateId,
    id: event.id,
    objectType: event.objectType,
    objectId: event.objectId,
    tokens: event.tokens,
    timestamp: iso(event.timestamp),
    createdAt: iso(event.createdAt),
    extraData: event.extraData,
    timelineIFrame: event.timelineIFrame,
    email: event.email,
    utk: event.utk,
    domain: event.domain,
    // HubSpot echoes the custom object type of an event on a custom object record.
    customObjectTypeId: CUSTOM_OBJECT_TYPE.test(event.objectType) ? event.objectType : undefined,
  };
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
  // Own properties only: `?properties=constructor` must not read Object's own members.
  for (const name of names)
    setOwn(properties, name, ownValue(system, name) ?? ownValue(record.properties, name) ?? null);
  return {
    id: record.id,
    properties,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    archived: false,
  };
}

// App event types and occurrences (HubSpot's current platform)

/** An app event type as its hsmeta document, with the server's id, name and times beside it. */
export function appEventTypeToWire(type: EventTemplate): Record<string, unknown> {
  const config: Record<string, unknown> = { name: type.name };
  if (type.objectType === CUSTOM_OBJECT_TYPE_MARKER) config.supportsCustomObject = true;
  else config.objectType = wireObjectType(type.objectType);
  if (type.headerTemplate !== undefined) config.headerTemplate = type.headerTemplate;
  if (type.detailTemplate !== undefined) config.detailTemplate = type.detailTemplate;
  config.properties = type.tokens.map((token) =>
    token.type === 'enumeration'
      ? { name: token.name, label: token.label, type: token.type, options: token.options }
      : { name: token.name, label: token.label, type: token.type },
  );
  return {
    uid: type.appEventUid,
    type: 'app-event',
    fullyQualifiedName: fullyQualifiedName(type),
    eventTemplateId: type.id,
    config,
    createdAt: iso(type.createdAt),
    updatedAt: iso(type.updatedAt),
  };
}

/** HubSpot's `AppEventOccurrence`, as stored: the record it resolved to included. */
export function occurrenceToWire({ eventTypeName, event }: StoredOccurrence): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    eventTypeName,
    id: event.id,
    objectId: event.objectId,
    properties: event.tokens,
    timestamp: iso(event.timestamp),
  };
  if (CUSTOM_OBJECT_TYPE.test(event.objectType) || /^p\d+_/.test(event.objectType))
    wire.objectTypeFullyQualifiedName = event.objectType;
  if (event.email !== undefined) wire.email = event.email;
  if (event.utk !== undefined) wire.utk = event.utk;
  if (event.domain !== undefined) wire.domain = event.domain;
  if (event.extraData !== undefined) wire.extraData = event.extraData;
  if (event.timelineIFrame !== undefined) wire.timelineIFrame = event.timelineIFrame;
  return wire;
}

/** HubSpot's `BatchResponseAppEventOccurrence` (a batch is all or nothing: no errors in a 200). */
export function occurrenceBatchToWire(batch: OccurrenceBatch): Record<string, unknown> {
  return {
    status: 'COMPLETE',
    results: batch.results.map(occurrenceToWire),
    requestedAt: iso(batch.requestedAt),
    startedAt: iso(batch.startedAt),
    completedAt: iso(batch.completedAt),
    links: {},
  };
}

// The record timeline API (ours)
/** A timeline entry: the event as `GET /events/{templateId}/{eventId}` answers it, named and rendered. */
export function timelineEntryToWire(entry: TimelineEntry): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    ...eventToWire(entry.event),
    eventTemplateName: entry.template.name,
    header: entry.header,
  };
  if (entry.detail !== undefined) wire.detail = entry.detail;
  if (entry.renderErrors !== undefined) wire.renderErrors = entry.renderErrors;
  return wire;
}

/** A record with events: its SimplePublicObject shape plus how many events and the newest one's time. */
export function recordActivityToWire(activity: RecordActivity): Record<string, unknown> {
  return {
    ...recordToWire(activity.record),
    eventCount: activity.eventCount,
    lastEventAt: iso(activity.lastEventAt),
  };
}
function schemaPropertyToWire(schema: ObjectSchema, property: SchemaProperty): Record<string, unknown> {
  return {
    name: property.name,
    label: property.label,
    type: property.type,
    fieldType: property.fieldType,
    description: property.description ?? '',
    // *Inferred*: HubSpot files a custom object's properties under `{name}_information`.
    groupName: property.groupName ?? `${schema.name}_information`,
    options: property.options ?? [],
    displayOrder: property.displayOrder ?? -1,
    hasUniqueValue: property.hasUniqueValue ?? false,
    hidden: property.hidden ?? false,
    calculated: false,
    externalOptions: false,
    hubspotDefined: false,
    archived: false,
    createdAt: iso(schema.createdAt),
    updatedAt: iso(schema.updatedAt),
  };
}

/** HubSpot's ObjectSchema: `id` is the number of `objectTypeId`; no associations are kept. */
export function objectSchemaToWire(schema: ObjectSchema): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: schema.objectTypeId.slice(2),
    objectTypeId: schema.objectTypeId,
    fullyQualifiedName: schemaFullyQualifiedName(schema),
    name: schema.name,
    labels: schema.labels,
    requiredProperties: schema.requiredProperties,
    searchableProperties: schema.searchableProperties,
    secondaryDisplayProperties: schema.secondaryDisplayProperties,
    properties: schema.properties.map((property) => schemaPropertyToWire(schema, property)),
    associations: [],
    archived: false,
    createdAt: iso(schema.createdAt),
    updatedAt: iso(schema.updatedAt),
  };
  if (schema.description !== undefined) wire.description = schema.description;
  if (schema.primaryDisplayProperty !== undefined)
    wire.primaryDisplayProperty = schema.primaryDisplayProperty;
  return wire;
}

// HubSpot's rate-limit answer, and the answers of injected faults
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
