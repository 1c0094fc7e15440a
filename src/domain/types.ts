/**
 * The domain's vocabulary, in HubSpot's names. Times are epoch milliseconds inside the server; the
 * presenters turn them into ISO-8601 strings on the wire.
 */

/** `contacts`, `companies`, `deals`, `tickets`, or a custom object type id such as `2-123`. */
export type ObjectType = string;
export const STANDARD_OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets'] as const;
export const CUSTOM_OBJECT_TYPE = /^2-\d+$/;

/**
 * Every name HubSpot gives a standard object type (its id `0-N`, its plural and singular name, in
 * any case), keyed by the lower-cased name, valued by the type as stored here.
 */
const STANDARD_OBJECT_TYPE_NAMES: ReadonlyMap<string, (typeof STANDARD_OBJECT_TYPES)[number]> = new Map([
  ['0-1', 'contacts'],
  ['contacts', 'contacts'],
  ['contact', 'contacts'],
  ['0-2', 'companies'],
  ['companies', 'companies'],
  ['company', 'companies'],
  ['0-3', 'deals'],
  ['deals', 'deals'],
  ['deal', 'deals'],
  ['0-5', 'tickets'],
  ['tickets', 'tickets'],
  ['ticket', 'tickets'],
]);

/** The standard object type a name denotes (`0-1`, `contacts`, `CONTACT` all give `contacts`). */
export function standardObjectTypeNamed(name: string): (typeof STANDARD_OBJECT_TYPES)[number] | undefined {
  return STANDARD_OBJECT_TYPE_NAMES.get(name.toLowerCase());
}

export function isObjectType(value: string): boolean {
  return (STANDARD_OBJECT_TYPES as readonly string[]).includes(value) || CUSTOM_OBJECT_TYPE.test(value);
}

export const TOKEN_TYPES = ['string', 'number', 'date', 'enumeration'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
/** HubSpot: token names are letters, digits, `.`, `-` and `_`. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * Names a token (or an app event's property) may not take. `log` and `lookup`: HubSpot's docs
 * reserve them (Handlebars helpers). The others are what the renderer itself puts in a template's
 * context, which would hide a token of the same name: `timestamp`, `extraData` (HubSpot's docs), and
 * `id` and `objectType` (the event's own, as HubSpot's docs show them rendering in a header).
 */
export const RESERVED_TOKEN_NAMES: readonly string[] = [
  'log',
  'lookup',
  'timestamp',
  'extraData',
  'id',
  'objectType',
];

/** Why a token or property name cannot be used, or undefined when it can. */
export function reservedNameProblem(name: string): string | undefined {
  if (!RESERVED_TOKEN_NAMES.includes(name)) return undefined;
  return ['log', 'lookup'].includes(name)
    ? `'${name}' is reserved (a Handlebars helper HubSpot keeps); choose another name`
    : `'${name}' is reserved: {{${name}}} in a template is the event's own ${name}, which would hide the token; choose another name`;
}

export interface TokenOption {
  label: string;
  value: string;
}

export interface TemplateToken {
  name: string;
  label: string;
  type: TokenType;
  /** Always present; empty unless `type` is `enumeration`. */
  options: TokenOption[];
  objectPropertyName?: string;
  createdAt: number;
  updatedAt: number;
}

export interface EventTemplate {
  id: string;
  appId: number;
  name: string;
  objectType: ObjectType;
  headerTemplate?: string;
  detailTemplate?: string;
  tokens: TemplateToken[];
  createdAt: number;
  updatedAt: number;
  /** Bumped on every change, so caches (compiled renderers) can key on it. */
  version: number;
  /**
   * Set on an app event type (HubSpot's current platform, declared by a project's `*-hsmeta.json`):
   * its `uid`. Such a template is a different API's: the v3 template and event routes never see it,
   * while its occurrences are ordinary timeline events of it (same writer, records and rendering).
   */
  appEventUid?: string;
}

export interface TimelineIFrame {
  linkLabel: string;
  headerLabel: string;
  url: string;
  width: number;
  height: number;
}

/** A stored timeline event: what `GET /events/{eventTemplateId}/{eventId}` answers. */
export interface TimelineEvent {
  eventTemplateId: string;
  id: string;
  objectType: ObjectType;
  objectId: string;
  timestamp: number;
  createdAt: number;
  /** Values are kept as strings: HubSpot echoes every token value as a string. */
  tokens: Record<string, string>;
  extraData?: unknown;
  timelineIFrame?: TimelineIFrame;
  email?: string;
  utk?: string;
  domain?: string;
}

export interface Portal {
  id: number;
  timeZone: string;
}

/**
 * What an access token may see. `app`: its app's data in its portal (an installed app's OAuth token,
 * and tokens the admin API makes by default). `private-app`: its portal's, every app's events
 * included, as the portal's own users see them (HubSpot's private-app tokens; the start token).
 */
export type TokenKind = 'app' | 'private-app';
export const TOKEN_KINDS: readonly TokenKind[] = ['app', 'private-app'];

/**
 * An access token as stored: only the hash of its secret (`hashSecret`), so a copy of the database
 * gives no working credential.
 */
export interface AccessToken {
  tokenHash: string;
  kind: TokenKind;
  portalId: number;
  appId: number;
  scopes: string[];
  /** Epoch ms after which the token is refused (OAuth access tokens); absent: it never expires. */
  expiresAt?: number;
}

// The OAuth stand-in

/** An OAuth app's client: what `/oauth/authorize` and `/oauth/v1/token` check. */
export interface OAuthClient {
  clientId: string;
  /** The hash of the client secret (`hashSecret`). */
  clientSecretHash: string;
  redirectUri: string;
  appId: number;
}

/** An authorization code, issued by `/oauth/authorize` and exchanged once at `/oauth/v1/token`. */
export interface OAuthCode {
  /** The hash of the code (`hashSecret`). */
  codeHash: string;
  clientId: string;
  portalId: number;
  scopes: string[];
  redirectUri: string;
  /** PKCE (RFC 7636), when the authorize request had one. */
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
}

export interface RefreshToken {
  /** The hash of the refresh token (`hashSecret`). */
  tokenHash: string;
  clientId: string;
  portalId: number;
  appId: number;
  scopes: string[];
  createdAt: number;
}

export interface DeveloperAccount {
  id: number;
  /** The hash of its developer API key (`hashSecret`). */
  apiKeyHash: string;
}

/**
 * A signed-in web UI session (the browser holds only its random id; the server keeps the hash). It
 * lasts while its credential does: a token session ends when the token expires or is deleted, an
 * admin session when the admin token changes.
 */
export interface UiSession {
  idHash: string;
  credential: { kind: 'token'; tokenHash: string } | { kind: 'admin'; adminTokenHash: string };
  /** The portals the session may open (one for a token; those the admin signed in to). */
  portalIds: number[];
  createdAt: number;
  expiresAt: number;
}

export interface App {
  id: number;
  developerAccountId: number;
}

export interface CrmRecord {
  id: string;
  objectType: ObjectType;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** A property of a custom object schema, as HubSpot's schemas API takes and answers it. */
export interface SchemaProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description?: string;
  groupName?: string;
  options?: TokenOption[];
  hasUniqueValue?: boolean;
  hidden?: boolean;
  displayOrder?: number;
}

/**
 * A custom object type of one portal (`POST /crm/v3/schemas`). Its records live under its
 * `objectTypeId` (`2-123`) or its fully qualified name `p{portalId}_{name}`.
 */
export interface ObjectSchema {
  portalId: number;
  /** `2-` and a number from the store's sequence. */
  objectTypeId: string;
  name: string;
  labels: { singular?: string; plural?: string };
  description?: string;
  primaryDisplayProperty?: string;
  secondaryDisplayProperties: string[];
  searchableProperties: string[];
  requiredProperties: string[];
  properties: SchemaProperty[];
  associatedObjects: string[];
  createdAt: number;
  updatedAt: number;
}
