/**
 * The storage interface, in domain terms. The SQLite and PostgreSQL adapters implement it and one
 * conformance suite (`test/store/`) holds them to the same behaviour. Rules that need no state live in
 * `domain/`; what needs atomicity (record resolution with its event, id uniqueness, limits counted
 * under a lock) is specified here and done inside the adapter's transaction.
 */

import type { ErrorCode, ErrorParams } from '../errors.js';
import type { PropertyTime, TemplateEventSample, TemplatePage, TemplatePageQuery } from './store-ui-reads.js';
import type {
  AccessToken,
  App,
  CrmRecord,
  DeveloperAccount,
  EventTemplate,
  OAuthClient,
  OAuthCode,
  ObjectSchema,
  ObjectType,
  Portal,
  RefreshToken,
  TimelineEvent,
  UiSession,
} from './types.js';

/** A template before the store gives it an id, an app, a version and an update time. */
export type NewTemplate = Omit<EventTemplate, 'id' | 'appId' | 'updatedAt' | 'version'>;

/**
 * How to find (or make) the CRM record of an event. The domain picks the variant by HubSpot's
 * precedence (objectId, then utk, then email); the adapter carries it out:
 * - `objectId`: the record must exist (or, with `autoCreate`, is created with that id); `email` sets a
 *   contact's email; `domain` sets a company's domain.
 * - `utk`: a known utk names its contact (and `email` sets its email); an unknown utk with `email` binds
 *   to the contact found or created by that email; an unknown utk alone fails with UTK_NOT_FOUND.
 * - `email`: finds the contact by email (case-insensitive) or creates it.
 */
export type RecordRef =
  | { by: 'objectId'; objectId: string; email?: string; domain?: string }
  | { by: 'utk'; utk: string; email?: string }
  | { by: 'email'; email: string };

export interface EventWrite {
  portalId: number;
  event: Omit<TimelineEvent, 'objectId'>;
  record: RecordRef;
  /** Property name to value, written onto the resolved record with the event. */
  stamps: Record<string, string>;
  /** Identifies the event's content: an identical re-send has the same fingerprint. */
  fingerprint: string;
  /**
   * The server made the event's id for this write (a fresh UUIDv7, alone or in place of `{{uuid}}`):
   * no stored event can have it, so the store need not look for one.
   */
  idIsNew?: true;
}

export type StoreFailure = { ok: false; code: ErrorCode; params: ErrorParams };

export interface EventWriteOptions {
  autoCreateRecords: boolean;
  now: number;
  /**
   * All or nothing for the whole batch (app events): when any write fails, none is
   * stored; the failing writes answer their failure and every other write EVENT_NOT_STORED.
   */
  atomic?: boolean;
}
export type EventWriteResult = { ok: true; event: TimelineEvent; replayed: boolean } | StoreFailure;

export type RecordWriteResult = { ok: true; record: CrmRecord } | StoreFailure;

export interface RecordPage {
  records: CrmRecord[];
  /** The cursor of the next page, absent on the last one. */
  after?: string;
}

// Reading a record's timeline and the records that have one
/** Where a timeline page ends: events are ordered by timestamp, then id, then template id, all descending. */
export interface TimelinePosition {
  timestamp: number;
  id: string;
  eventTemplateId: string;
}

export interface TimelineQuery {
  portalId: number;
  objectType: ObjectType;
  objectId: string;
  limit: number;
  /** Only events strictly after this position (older, in the newest-first order). */
  after?: TimelinePosition;
  eventTemplateId?: string;
  /** Inclusive bounds on the event timestamp, epoch ms. */
  since?: number;
  until?: number;
}

export interface TimelinePage {
  events: TimelineEvent[];
  /** The position to continue after, absent on the last page. */
  next?: TimelinePosition;
}

/** A record with events: how many, and the newest event timestamp. */
export interface RecordActivity {
  record: CrmRecord;
  eventCount: number;
  lastEventAt: number;
}

/** Where a page of records ends: ordered by last event timestamp, then record id, both descending. */
export interface ActivityPosition {
  lastEventAt: number;
  objectId: string;
}

export interface ActivityQuery {
  portalId: number;
  objectType: ObjectType;
  limit: number;
  after?: ActivityPosition;
  /** Lower-cased search: an id prefix, an email prefix, an email's domain prefix or a domain prefix. */
  q?: string;
}

export interface ActivityPage {
  records: RecordActivity[];
  next?: ActivityPosition;
}

/**
 * Whether a record matches a records search `q` (already lower-cased): the one definition both
 * adapters apply. Their indexes hold the same rule as keys and ranges (`record-search.ts`); SQLite
 * applies this function itself to records whose events are not indexed yet.
 */
export function matchesRecordSearch(q: string, id: string, properties: Record<string, string>): boolean {
  if (id.startsWith(q)) return true;
  const email = properties.email?.trim().toLowerCase();
  if (email !== undefined && (email.startsWith(q) || email.slice(email.indexOf('@') + 1).startsWith(q)))
    return true;
  const domain = properties.domain?.trim().toLowerCase();
  return domain?.startsWith(q) === true;
}

// The web UI's reads (their shapes in store-ui-reads.ts)
export type {
  PropertyTime,
  TemplateEventSample,
  TemplatePage,
  TemplatePageQuery,
  TemplatePosition,
} from './store-ui-reads.js';

// Rate-limit counts and reset
/** One request counted against its app and portal's limits (see `Store.countRequest`). */
export interface RequestCountHit {
  portalId: number;
  appId: number;
  /** Epoch second of the request (by the server's clock). */
  second: number;
  /** The rolling window, whole seconds: the request's second and the `windowSeconds - 1` before it. */
  windowSeconds: number;
  /** Requests allowed in the window. */
  max: number;
  /**
   * The day of the request, as days since 1970-01-01 of the portal's local date (HubSpot's daily
   * limit resets at midnight in the portal's time zone; see `localDay`).
   */
  day: number;
  /** Requests allowed that day, or null for no daily limit (OAuth calls, marketplace apps). */
  dailyMax: number | null;
  /**
   * Requests to claim at once, a lease the caller spends itself within `second` (default 1; 0 claims
   * nothing and only gives back). The store grants between 1 and `want`, never more than an eighth of
   * what is left in the window or of the day (at least 1): near a limit every request is counted on
   * its own, so leases held by other processes never make the total exceed a limit.
   */
  want?: number;
  /** Requests claimed earlier for `second` of this same `day` and not spent: uncounted first. */
  giveBack?: { second: number; count: number };
}

export interface RequestCountResult {
  /** Requests counted in the window, this one included when it was allowed. */
  windowCount: number;
  /** Requests counted that day, this one included when it was allowed. */
  dailyCount: number;
  /** Requests claimed and counted (all of them in the window and the day): 0 when refused. */
  granted: number;
  /** The limit that refused the request (a refused request is not counted). */
  refusedBy?: 'window' | 'daily';
}

export interface DailyRequestCount {
  portalId: number;
  appId: number;
  hits: number;
}

/**
 * The start credentials, which a reset keeps: their rows are never deleted, and are written back as
 * they were provisioned in the same transaction, so a request made with them during a reset is
 * never refused.
 */
export interface KeptCredentials {
  portal: Portal;
  developerAccount: DeveloperAccount;
  app: App;
  accessToken: AccessToken;
  oauthClient: OAuthClient;
}

/** What `Store.reset` empties: everything, or the data of one portal; the start credentials stay. */
export interface ResetScope {
  portalId?: number;
  keep: KeptCredentials;
}

export interface Store {
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // Credentials and tenants
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  ensurePortal(portal: Portal): Promise<void>;
  getPortal(portalId: number): Promise<Portal | undefined>;
  /**
   * The developer account of that key hash, created when missing; with `replacing`, the account of
   * that older hash takes the new one instead (a key changed, its apps kept).
   */
  ensureDeveloperAccount(apiKeyHash: string, replacing?: string): Promise<DeveloperAccount>;
  findDeveloperAccount(apiKeyHash: string): Promise<DeveloperAccount | undefined>;
  /** Creates the app for that developer account; fails when another account owns the id. */
  ensureApp(app: App): Promise<{ ok: true } | StoreFailure>;
  findApp(appId: number): Promise<App | undefined>;
  /** Creates or overwrites the token of that hash; with `replacing`, deletes that older token at once. */
  ensureAccessToken(token: AccessToken, replacing?: string): Promise<void>;
  findAccessToken(tokenHash: string): Promise<AccessToken | undefined>;
  /** Deletes the token; false when there was none. */
  deleteAccessToken(tokenHash: string): Promise<boolean>;
  // Web UI sessions
  /** Stores a new session, and forgets the sessions that expired before `now`. */
  insertSession(session: UiSession, now: number): Promise<void>;
  findSession(idHash: string): Promise<UiSession | undefined>;
  deleteSession(idHash: string): Promise<void>;

  // Event templates (tokens live inside their template)
  listTemplates(appId: number): Promise<EventTemplate[]>;
  getTemplate(templateId: string): Promise<EventTemplate | undefined>;
  /** Fails with TEMPLATE_LIMIT_REACHED when the app already has `maxPerApp` templates. */
  insertTemplate(
    appId: number,
    template: NewTemplate,
    maxPerApp: number,
  ): Promise<EventTemplate | StoreFailure>;
  /**
   * Replaces the template if its stored version is still `template.version` (optimistic
   * concurrency); answers the saved template with the next version, or `undefined` when the version
   * moved on (or the template is gone): the caller reads it again and retries.
   */
  replaceTemplate(template: EventTemplate): Promise<EventTemplate | undefined>;
  deleteTemplate(appId: number, templateId: string): Promise<boolean>;

  // CRM records
  createRecord(
    portalId: number,
    objectType: ObjectType,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult>;
  getRecord(portalId: number, objectType: ObjectType, id: string): Promise<CrmRecord | undefined>;
  /** Merges `properties` into the record; CRM_OBJECT_NOT_FOUND or CONTACT_EXISTS on failure. */
  updateRecord(
    portalId: number,
    objectType: ObjectType,
    id: string,
    properties: Record<string, string>,
    now: number,
  ): Promise<RecordWriteResult>;
  archiveRecord(portalId: number, objectType: ObjectType, id: string): Promise<boolean>;
  listRecords(portalId: number, objectType: ObjectType, limit: number, after?: string): Promise<RecordPage>;
  findContactByEmail(portalId: number, email: string): Promise<CrmRecord | undefined>;

  // Timeline events
  /**
   * Writes each event with its record changes in its own all-or-nothing unit (or, with `atomic`,
   * the whole batch as one), in order, and answers one result per write. Returns only after every successful write is durably committed.
   */
  writeEvents(writes: EventWrite[], options: EventWriteOptions): Promise<EventWriteResult[]>;
  getEvent(portalId: number, eventTemplateId: string, eventId: string): Promise<TimelineEvent | undefined>;

  // App event types: event templates marked with their project `uid` (`appEventUid`);
  // `insertTemplate` fails with APP_EVENT_TYPE_EXISTS when the app already has one of that uid.
  findAppEventType(appId: number, uid: string): Promise<EventTemplate | undefined>;
  /** Whether any portal holds an event of the template. */
  templateHasEvents(templateId: string): Promise<boolean>;

  // The OAuth stand-in. Access tokens it issues go through ensureAccessToken, with expiresAt.
  ensureOAuthClient(client: OAuthClient): Promise<void>;
  findOAuthClient(clientId: string): Promise<OAuthClient | undefined>;
  insertOAuthCode(code: OAuthCode): Promise<void>;
  /** Marks the code used and answers it; `undefined` when it is unknown or was used already. */
  useOAuthCode(codeHash: string): Promise<OAuthCode | undefined>;
  insertRefreshToken(token: RefreshToken): Promise<void>;
  /** A refresh token that exists and is not revoked. */
  findRefreshToken(tokenHash: string): Promise<RefreshToken | undefined>;
  /** Revokes it; false when it is unknown or revoked already. */
  revokeRefreshToken(tokenHash: string): Promise<boolean>;
  /** Whether the admin said an app may be installed into a portal without its users' approval. */
  isTrustedPortal(appId: number, portalId: number): Promise<boolean>;
  setTrustedPortal(appId: number, portalId: number, trusted: boolean): Promise<void>;
  // Record timelines
  /**
   * A record's events, newest first (timestamp, then id, then template id, descending). Sees every
   * event whose write was acknowledged; a position stays valid while events are added.
   */
  readTimeline(query: TimelineQuery): Promise<TimelinePage>;
  /** A portal's records of one type that have events, most recent event first. */
  listRecordActivity(query: ActivityQuery): Promise<ActivityPage>;
  // The web UI's reads
  /**
   * When each property of the record was last set (PropertyTime), in no particular order; undefined
   * when there is no such record. A write that leaves a value as it was does not set it again.
   */
  recordPropertyTimes(
    portalId: number,
    objectType: ObjectType,
    id: string,
  ): Promise<PropertyTime[] | undefined>;
  /** Templates of every app (or of `appId`), by app id then template id. */
  listTemplatePage(query: TemplatePageQuery): Promise<TemplatePage>;
  /**
   * The portal's events of the template, counted up to `cap` (read in the store's own order, not
   * by time, and no further), with the newest of those counted.
   */
  sampleTemplateEvents(portalId: number, templateId: string, cap: number): Promise<TemplateEventSample>;
  // Custom object schemas
  /** Gives the schema the next `2-N` id; SCHEMA_NAME_TAKEN when the portal has one of that name. */
  insertObjectSchema(schema: NewObjectSchema): Promise<ObjectSchema | StoreFailure>;
  listObjectSchemas(portalId: number): Promise<ObjectSchema[]>;
  /** The portal's schema whose objectTypeId or name is `key`. */
  getObjectSchema(portalId: number, key: string): Promise<ObjectSchema | undefined>;
  // Rate-limit counts, portal rate-limit settings, reset
  /**
   * Whether request counts are shared by every process on this database, so the server counts each
   * request with `countRequest` (PostgreSQL); otherwise one process owns the database and keeps its
   * windows in memory, persisting daily totals with `saveDailyRequestCounts` (SQLite).
   */
  readonly sharedRequestCounts: boolean;
  /**
   * Counts one request (or claims a lease of `want`) against its window and day, atomically across
   * processes: allowed only when both counts are under their limits, and counted only when allowed.
   */
  countRequest(hit: RequestCountHit): Promise<RequestCountResult>;
  loadDailyRequestCounts(day: number): Promise<DailyRequestCount[]>;
  /** Sets each count of that day to the given total (a total, not an increment). */
  saveDailyRequestCounts(day: number, counts: DailyRequestCount[]): Promise<void>;
  /** The portal's own rate-limit setting (`RATE_LIMIT_SYNTAX`); null clears it. */
  setPortalRateLimit(portalId: number, rateLimit: string | null): Promise<void>;
  getPortalRateLimit(portalId: number): Promise<string | undefined>;
  /**
   * Deletes tenant data, in one transaction: with no portal, every portal, developer account, app,
   * token, template, record, event and request count; with a portal, that portal with its tokens,
   * records, events and counts (templates belong to apps and stay). Meta, web sessions and the
   * start credentials (`scope.keep`, written back as given) stay.
   */
  reset(scope: ResetScope): Promise<void>;
}

/** A custom object schema before the store gives it its objectTypeId. */
export type NewObjectSchema = Omit<ObjectSchema, 'objectTypeId'>;

/**
 * Ids the stores keep as integers (templates, records) are accepted only in canonical decimal form,
 * so `0123` is not taken for `123`.
 */
export const CANONICAL_ID = /^(0|[1-9]\d{0,14})$/;
