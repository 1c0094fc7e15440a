/**
 * The one error catalogue: each code with its HTTP status, HubSpot category and message template.
 * Handlers throw `ApiError`s by code (`errors.ts`), tests assert with the same templates, and
 * `docs/errors.md` is generated from this table row for row (`scripts/errors-doc.mjs`).
 */

export interface ErrorSpec {
  readonly status: number;
  readonly category: string;
  /** `{name}` placeholders are filled from the error's params. */
  readonly message: string;
}

const AUTH_NOT_FOUND =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export const ErrorCatalogue = {
  // Requests that cannot be read at all
  MALFORMED_JSON: { status: 400, category: 'VALIDATION_ERROR', message: 'Invalid input JSON: {detail}' },
  // HubSpot's words for a body its JSON parser refuses (observed by users of its Ruby client).
  INPUT_NOT_PARSED: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Invalid input JSON on line {line}, column {column}: {reason}',
  },
  UNSUPPORTED_CONTENT_TYPE: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "Content-Type '{contentType}' is not supported; send application/json",
  },
  BODY_TOO_LARGE: {
    status: 413,
    category: 'VALIDATION_ERROR',
    message: 'Request body is larger than the limit of {limit} bytes',
  },
  INVALID_INPUT: { status: 400, category: 'VALIDATION_ERROR', message: 'Invalid input: {detail}' },
  ROUTE_NOT_FOUND: { status: 404, category: 'OBJECT_NOT_FOUND', message: 'No route for {method} {path}' },
  // Credentials
  MISSING_CREDENTIALS: { status: 401, category: 'INVALID_AUTHENTICATION', message: AUTH_NOT_FOUND },
  // Observed from HubSpot (users' reports of the real service): the body of a wrong `hapikey`.
  INVALID_API_KEY: {
    status: 401,
    category: 'INVALID_AUTHENTICATION',
    message: "This hapikey doesn't exist.",
  },
  // HubSpot answers an unknown Bearer token exactly as a missing one.
  INVALID_ACCESS_TOKEN: { status: 401, category: 'INVALID_AUTHENTICATION', message: AUTH_NOT_FOUND },
  APP_NOT_OWNED: {
    status: 403,
    category: 'FORBIDDEN',
    message: 'The developer account of this API key does not own app {appId}',
  },
  TOKEN_APP_MISMATCH: {
    status: 403,
    category: 'FORBIDDEN',
    message:
      'This access token belongs to app {tokenAppId}; it cannot manage the event templates of app {appId}',
  },
  PORTAL_CREDENTIAL_REQUIRED: {
    status: 403,
    category: 'FORBIDDEN',
    message:
      "This view spans the events of every app in the portal, and an app's token sees only its own app's events: use the portal's private-app token or the admin token",
  },
  MISSING_SCOPES: {
    status: 403,
    category: 'MISSING_SCOPES',
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
  },
  // Event templates and tokens
  TEMPLATE_NOT_FOUND: {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: 'Event template {eventTemplateId} not found for app {appId}',
  },
  TOKEN_NOT_FOUND: {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: "Token '{tokenName}' not found on event template {eventTemplateId}",
  },
  TEMPLATE_LIMIT_REACHED: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'App {appId} already has the maximum of {limit} event templates',
  },
  TOKEN_LIMIT_REACHED: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'An event template can have at most {limit} tokens',
  },
  TEMPLATE_ID_MISMATCH: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "The body's id '{bodyId}' does not match the path's event template id {eventTemplateId}",
  },
  OBJECT_TYPE_IMMUTABLE: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "An event template's objectType cannot change (it is '{objectType}')",
  },
  TOKEN_NAME_TAKEN: {
    status: 409,
    category: 'CONFLICT',
    message: "Token '{tokenName}' already exists on event template {eventTemplateId}",
  },
  // Events (per item in a batch; the single create answers them as a 400)
  EVENT_TEMPLATE_UNKNOWN: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Event template {eventTemplateId} does not exist for app {appId}',
  },
  EVENT_INVALID: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Event {id} failed with validation error(s)',
  },
  RECORD_IDENTIFIER_MISSING: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Event {id} needs a record: give {identifiers}',
  },
  RECORD_NOT_FOUND: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "No {objectType} record with objectId '{objectId}' exists",
  },
  UTK_NOT_FOUND: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "No contact is known by utk '{utk}'; send an email with it to bind it",
  },
  EMAIL_IN_USE: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "Email '{email}' already belongs to contact {existingId}",
  },
  EVENT_ID_IN_USE: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Event ID already in use, please choose a new unique ID',
  },
  EVENT_NOT_FOUND: {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: "Event '{id}' of event template {eventTemplateId} not found",
  },
  // *Ours*: a render over its bounds (src/limits.ts); the same answer on every call (it is cached).
  RENDER_LIMIT_EXCEEDED: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "Event '{id}' of event template {eventTemplateId} cannot be rendered: its {field} {reason}",
  },
  RENDERING_BUSY: {
    status: 503,
    category: 'SERVICE_UNAVAILABLE',
    message: 'The server has too many large renders waiting already; retry shortly',
  },
  // CRM records
  CRM_OBJECT_NOT_FOUND: {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: 'resource not found',
  },
  UNKNOWN_OBJECT_TYPE: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Unable to infer object type from: {objectType}',
  },
  CONTACT_EXISTS: {
    status: 409,
    category: 'CONFLICT',
    message: 'Contact already exists. Existing ID: {existingId}',
  },
  // App events and OAuth (HubSpot's current platform)
  APP_EVENT_TYPE_INVALID: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'App event type not valid: {detail}',
  },
  APP_EVENT_TYPE_EXISTS: {
    status: 409,
    category: 'CONFLICT',
    message: "App {appId} already has an app event type with uid '{uid}'",
  },
  APP_EVENT_TYPE_IMMUTABLE: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "App event type '{uid}' has occurrences: its {field} cannot change",
  },
  APP_EVENT_TYPE_NOT_FOUND: {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: 'There is no App Event Type for the provided coordinates',
  },
  APP_EVENT_TYPE_UNKNOWN: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: "No app event type '{eventTypeName}' in app {appId}",
  },
  OCCURRENCE_EXISTS: {
    status: 409,
    category: 'CONFLICT',
    message: 'An occurrence for this event type and occurrence ID already exists. Occurrences are immutable.',
  },
  OCCURRENCE_BATCH_INVALID: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: '{failed} of {total} occurrences are not valid; nothing of the batch was stored',
  },
  OCCURRENCE_BATCH_CONFLICT: {
    status: 409,
    category: 'CONFLICT',
    message:
      '{failed} of {total} occurrences already exist (occurrences are immutable); nothing of the batch was stored',
  },
  EVENT_NOT_STORED: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'Not stored: another event of its all-or-nothing batch failed',
  },
  EXPIRED_AUTHENTICATION: {
    status: 401,
    category: 'EXPIRED_AUTHENTICATION',
    message: 'The OAuth token used to make this call expired {seconds} second(s) ago.',
  },
  // OAuth's failures. `/oauth/v1` answers them in its legacy shape `{status, message, correlationId}`
  // with the category below as `status`; the current API (`/oauth/v3`, dated versions) answers
  // HubSpot's envelope with this category as `subCategory` (status, category and RFC 6749 `error`:
  // http/oauth-error-answers.ts).
  OAUTH_BAD_REQUEST: { status: 400, category: 'BAD_REQUEST', message: '{detail}' },
  // `{grants}`: the grants of the version called (domain/oauth-versions.ts).
  OAUTH_BAD_GRANT_TYPE: { status: 400, category: 'BAD_GRANT_TYPE', message: 'grant_type must be {grants}' },
  // The JWT bearer grant (RFC 7523) and private-key JWT client authentication: no HubSpot source
  // says which keys it trusts or what claims it checks, so they are refused rather than guessed.
  OAUTH_JWT_BEARER_UNSUPPORTED: {
    status: 400,
    category: 'BAD_GRANT_TYPE',
    message:
      'grant_type {grantType} (a JWT bearer assertion) is not supported by this server: use {grants}, with client_id and client_secret',
  },
  OAUTH_CLIENT_ASSERTION_UNSUPPORTED: {
    status: 400,
    category: 'BAD_CLIENT_AUTHENTICATION',
    message:
      '{field} is not supported by this server (no private-key JWT client authentication): send client_id and client_secret instead',
  },
  OAUTH_BAD_AUTH_CODE: { status: 400, category: 'BAD_AUTH_CODE', message: 'missing or unknown auth code' },
  OAUTH_EXPIRED_AUTH_CODE: { status: 400, category: 'EXPIRED_AUTH_CODE', message: 'auth code is expired' },
  OAUTH_BAD_CODE_VERIFIER: {
    status: 400,
    category: 'BAD_AUTH_CODE',
    message: 'code_verifier does not match the code_challenge of this auth code',
  },
  OAUTH_BAD_REFRESH_TOKEN: {
    status: 400,
    category: 'BAD_REFRESH_TOKEN',
    message: 'missing or invalid refresh token',
  },
  OAUTH_BAD_CLIENT_ID: { status: 400, category: 'BAD_CLIENT_ID', message: 'missing or invalid client_id' },
  OAUTH_UNAUTHORIZED_CLIENT: {
    status: 400,
    category: 'UNAUTHORIZED_CLIENT',
    message:
      'app {appId} has not been approved for portal {portalId}: install it through /oauth/authorize, or have the admin trust it there',
  },
  OAUTH_BAD_CLIENT_SECRET: {
    status: 400,
    category: 'BAD_CLIENT_SECRET',
    message: 'missing or invalid client_secret',
  },
  OAUTH_BAD_REDIRECT_URI: {
    status: 400,
    category: 'BAD_REDIRECT_URI',
    message: 'redirect_uri does not match the redirect URI of the app',
  },
  OAUTH_BAD_SCOPE: {
    status: 400,
    category: 'BAD_SCOPE',
    message: 'scope {scope} is not one this app may request',
  },
  OAUTH_TOKEN_NOT_FOUND: { status: 404, category: 'NOT_FOUND', message: 'token not found' },
  // Custom object schemas
  SCHEMA_NAME_TAKEN: {
    status: 409,
    category: 'CONFLICT',
    message: "An object type named '{name}' already exists in this portal",
  },
  SCHEMA_NOT_FOUND: {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: 'Unable to find object type {objectType}',
  },
  // Requests that are not HTTP a route can read (answered before any route runs)
  MALFORMED_PATH: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'The path {path} is not valid: {detail}',
  },
  PATH_SEGMENT_TOO_LONG: {
    status: 414,
    category: 'VALIDATION_ERROR',
    message: 'A segment of the path is longer than the limit of {limit} characters',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    category: 'VALIDATION_ERROR',
    message: 'The request was not received in full within {seconds} seconds',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    category: 'VALIDATION_ERROR',
    message: 'The request headers are larger than the limit of {limit} bytes',
  },
  BAD_HTTP_REQUEST: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'The request is not valid HTTP/1.1 ({detail})',
  },
  // The server itself
  STORE_UNAVAILABLE: {
    status: 503,
    category: 'SERVICE_UNAVAILABLE',
    message: 'The data store is unavailable; retry shortly',
  },
  OVERLOADED: {
    status: 503,
    category: 'SERVICE_UNAVAILABLE',
    message: 'The server has {pending} write requests waiting already; retry shortly',
  },
  // A request that reaches a server already stopping (graceful shutdown)
  SHUTTING_DOWN: {
    status: 503,
    category: 'SERVICE_UNAVAILABLE',
    message: 'The server is shutting down; retry shortly',
  },
  INTERNAL_ERROR: {
    status: 500,
    category: 'INTERNAL_ERROR',
    message: 'An internal error occurred (correlation id {correlationId})',
  },
  // HubSpot's rate limits (their 429 body has errorType and policyName instead of category),
  // the answers of injected faults, and the admin API's own
  RATE_LIMIT_TEN_SECONDLY: {
    status: 429,
    category: 'RATE_LIMIT',
    message: 'You have reached your ten_secondly_rolling limit.',
  },
  RATE_LIMIT_DAILY: { status: 429, category: 'RATE_LIMIT', message: 'You have reached your daily limit.' },
  FAULT_INTERNAL_ERROR: { status: 500, category: 'INTERNAL_ERROR', message: 'internal error' },
  FAULT_SERVICE_UNAVAILABLE: {
    status: 503,
    category: 'SERVICE_UNAVAILABLE',
    message: 'The service is temporarily unavailable; retry shortly',
  },
  FAULT_NOT_FOUND: { status: 404, category: 'OBJECT_NOT_FOUND', message: "No fault with id '{id}'" },
  SEED_INVALID: {
    status: 400,
    category: 'VALIDATION_ERROR',
    message: 'The fixture has {count} invalid entries; nothing was stored',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ErrorCatalogue;
