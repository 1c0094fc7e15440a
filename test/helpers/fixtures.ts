/** Templates and events the HTTP suites share. */
import { DEFAULT_SCOPES } from '../../src/domain/credentials/authentication.js';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import type { AccessToken, TokenKind } from '../../src/domain/types.js';
import type { TestServer } from './test-server.js';
import { webinarTemplate } from './webinar-template.js';

export const PREFIXES = ['/integrators/timeline/v3', '/crm/v3/timeline'] as const;

/** Creates a template through the API and answers its id. */
export async function createTemplate(
  server: TestServer,
  template: Record<string, unknown> = webinarTemplate,
  appId = server.appId,
  apiKey = server.apiKey,
): Promise<string> {
  const response = await server.request('POST', `${PREFIXES[0]}/${appId}/event-templates?hapikey=${apiKey}`, {
    body: template,
    token: false,
  });
  if (response.status !== 201) throw new Error(`template create failed: ${response.status} ${response.text}`);
  return response.json.id as string;
}

/** What `POST /events` answers for a created event (the fields the suites read). */
export interface CreatedEvent {
  id: string;
  objectId: string;
  [field: string]: unknown;
}

/** Creates one event of `eventTemplateId` through the v3 API (the server's own token); fails unless 201. */
export async function createEvent(
  server: TestServer,
  eventTemplateId: string,
  event: Record<string, unknown>,
): Promise<CreatedEvent> {
  const response = await server.request('POST', `${PREFIXES[0]}/events`, {
    body: { eventTemplateId, ...event },
  });
  if (response.status !== 201) throw new Error(`event create failed: ${response.status} ${response.text}`);
  return response.json as CreatedEvent;
}

/** Creates the events one after another, in order (their timeline order may depend on it). */
export async function createEvents(
  server: TestServer,
  eventTemplateId: string,
  events: Record<string, unknown>[],
): Promise<CreatedEvent[]> {
  const created: CreatedEvent[] = [];
  for (const event of events) created.push(await createEvent(server, eventTemplateId, event));
  return created;
}

/** Another portal of the server's app, and an access token for it with the default scopes. */
export async function otherPortalToken(server: TestServer, portalId: number, token: string): Promise<string> {
  await server.store.ensurePortal({ id: portalId, timeZone: 'UTC' });
  await server.store.ensureAccessToken(
    storedToken({ token, portalId, appId: server.appId, scopes: DEFAULT_SCOPES }),
  );
  return token;
}

/**
 * An access token as the store keeps it (its secret's hash), from its secret: a portal's
 * private-app token unless `kind` says otherwise.
 */
export function storedToken(given: {
  token: string;
  portalId: number;
  appId: number;
  scopes: string[];
  kind?: TokenKind;
  expiresAt?: number;
}): AccessToken {
  const { token, kind = 'private-app', ...rest } = given;
  return { ...rest, kind, tokenHash: hashSecret(token) };
}
