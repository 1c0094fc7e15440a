/**
 * The rows both SQL adapters store (the same columns in SQLite and PostgreSQL) and their mapping
 * to and from the domain: snake_case here, camelCase above. Ids and epoch-ms times are numbers in
 * both drivers (the PostgreSQL pool reads BIGINT as a number).
 */

import type { NewObjectSchema, PropertyTime, StoreFailure } from '../domain/store.js';
import type { CrmRecord, EventTemplate, ObjectSchema, TimelineEvent } from '../domain/types.js';

export interface TemplateRow {
  id: number;
  app_id: number;
  name: string;
  object_type: string;
  header_template: string | null;
  detail_template: string | null;
  tokens: string;
  created_at: number;
  updated_at: number;
  version: number;
  app_event_uid: string | null;
}

export interface RecordRow {
  portal_id: number;
  object_type: string;
  id: number;
  email_key: string | null;
  properties: string;
  created_at: number;
  updated_at: number;
  /**
   * When properties changed after the record was created, as JSON `{name: epoch ms}` (null: a time
   * not known, the change being older than this column); NULL or absent when none has changed since,
   * or on a record written before the column existed (`propertyTimesOf` tells them apart).
   */
  property_times?: string | null;
}

export interface EventRow {
  portal_id: number;
  template_id: number;
  event_id: string;
  object_type: string;
  object_id: number;
  ts: number;
  created_at: number;
  fingerprint: string;
  body: string;
}

/** The event's fields that have no column of their own, kept as JSON in `body`. */
export type EventBody = Pick<
  TimelineEvent,
  'tokens' | 'extraData' | 'timelineIFrame' | 'email' | 'utk' | 'domain'
>;

/** Contacts are unique by email, compared without case or surrounding space, as HubSpot does. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function templateFromRow(row: TemplateRow): EventTemplate {
  const template: EventTemplate = {
    id: String(row.id),
    appId: row.app_id,
    name: row.name,
    objectType: row.object_type,
    tokens: JSON.parse(row.tokens),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
  if (row.header_template !== null) template.headerTemplate = row.header_template;
  if (row.detail_template !== null) template.detailTemplate = row.detail_template;
  if (row.app_event_uid !== null) template.appEventUid = row.app_event_uid;
  return template;
}

export function recordFromRow(row: RecordRow): CrmRecord {
  return {
    id: String(row.id),
    objectType: row.object_type,
    properties: JSON.parse(row.properties),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function eventBody(event: Omit<TimelineEvent, 'objectId'>): EventBody {
  const body: EventBody = { tokens: event.tokens };
  if (event.extraData !== undefined) body.extraData = event.extraData;
  if (event.timelineIFrame !== undefined) body.timelineIFrame = event.timelineIFrame;
  if (event.email !== undefined) body.email = event.email;
  if (event.utk !== undefined) body.utk = event.utk;
  if (event.domain !== undefined) body.domain = event.domain;
  return body;
}

export function eventFromRow(row: EventRow): TimelineEvent {
  const body = JSON.parse(row.body) as EventBody;
  return {
    ...body,
    eventTemplateId: String(row.template_id),
    id: row.event_id,
    objectType: row.object_type,
    objectId: String(row.object_id),
    timestamp: row.ts,
    createdAt: row.created_at,
  };
}

/**
 * Each row's `properties` as parsed once. Event writes stamp their contact again and again, and the
 * SQLite writer keeps contacts' rows in a cache: a stamp that changes nothing is then found without
 * parsing the row's JSON for every event. Rows are never changed in place (a merge makes a new
 * one), and the parsed objects are never handed out, so they cannot go stale.
 */
const parsedProperties = new WeakMap<RecordRow, Readonly<Record<string, string>>>();

function propertiesOf(row: RecordRow): Readonly<Record<string, string>> {
  let parsed = parsedProperties.get(row);
  if (parsed === undefined) {
    parsed = JSON.parse(row.properties) as Record<string, string>;
    parsedProperties.set(row, parsed);
  }
  return parsed;
}

/**
 * The row that merging `changes` into `row` makes, or `undefined` when every value is already there:
 * events stamp the same values again and again, and a change that changes nothing writes nothing
 * (the record's modification time stays). `newEmailKey` is set when a contact's email moves to a key
 * the caller must first check is free.
 */
export function mergedRow(
  row: RecordRow,
  changes: Record<string, string>,
  now: number,
): { row: RecordRow; newEmailKey?: string } | undefined {
  const current = propertiesOf(row);
  for (const name in changes)
    if (current[name] !== changes[name]) return changedRow(row, current, changes, now);
  return undefined;
}

function changedRow(
  row: RecordRow,
  current: Readonly<Record<string, string>>,
  changes: Record<string, string>,
  now: number,
): { row: RecordRow; newEmailKey?: string } {
  let key = row.email_key;
  if (row.object_type === 'contacts' && changes.email !== undefined)
    key = changes.email ? emailKey(changes.email) : null;
  const properties = { ...current, ...changes };
  const changed = Object.keys(changes).filter((name) => current[name] !== changes[name]);
  const merged: RecordRow = {
    ...row,
    email_key: key,
    properties: JSON.stringify(properties),
    updated_at: now,
    property_times: timesAfterChange(row, current, changed, now),
  };
  parsedProperties.set(merged, properties);
  return key !== null && key !== row.email_key ? { row: merged, newEmailKey: key } : { row: merged };
}

/**
 * The row's stored change times (see `RecordRow.property_times`). A row without them that changed
 * after its creation was written before they were kept: each of its properties gets null (not known).
 */
function storedTimes(
  row: RecordRow,
  properties: Readonly<Record<string, string>>,
): Record<string, number | null> {
  // Without a prototype, a property named `__proto__` is a name like any other.
  const times: Record<string, number | null> = Object.create(null);
  if (typeof row.property_times === 'string') return Object.assign(times, JSON.parse(row.property_times));
  if (row.updated_at !== row.created_at) for (const name of Object.keys(properties)) times[name] = null;
  return times;
}

/**
 * The `property_times` of the row once the properties `changed` were set at `now` (every write that
 * changes a record's properties stores this with them). `current`: the row's properties.
 */
export function timesAfterChange(
  row: RecordRow,
  current: Readonly<Record<string, string>>,
  changed: readonly string[],
  now: number,
): string {
  const times = storedTimes(row, current);
  for (const name of changed) times[name] = now;
  return JSON.stringify(times);
}

/**
 * When each property of the record was last set: the time of the write that changed it, its creation
 * for a property unchanged since, or null where that is not known (a change made before the server
 * kept these times).
 */
export function propertyTimesOf(row: RecordRow): PropertyTime[] {
  const properties = propertiesOf(row);
  const changed = storedTimes(row, properties);
  return Object.keys(properties).map((name) => {
    const time = changed[name];
    return { name, setAt: time === undefined ? row.created_at : time };
  });
}

/**
 * An event that sets its contact's email to one another contact has fails as EMAIL_IN_USE, naming
 * the email (the record merge reports the same conflict as CONTACT_EXISTS); other failures stay.
 */
export function asEmailFailure(failure: StoreFailure, email: string): StoreFailure {
  if (failure.code !== 'CONTACT_EXISTS') return failure;
  return { ok: false, code: 'EMAIL_IN_USE', params: { email, existingId: failure.params.existingId ?? '' } };
}

/** A custom object schema row: the keys in columns, the rest as JSON in `body`. */
export interface ObjectSchemaRow {
  portal_id: number;
  object_type_id: string;
  name: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export function objectSchemaBody(schema: NewObjectSchema): string {
  const { portalId: _p, name: _n, createdAt: _c, updatedAt: _u, ...rest } = schema;
  return JSON.stringify(rest);
}

export function objectSchemaFromRow(row: ObjectSchemaRow): ObjectSchema {
  return {
    ...(JSON.parse(row.body) as Omit<
      ObjectSchema,
      'portalId' | 'objectTypeId' | 'name' | 'createdAt' | 'updatedAt'
    >),
    portalId: row.portal_id,
    objectTypeId: row.object_type_id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
