/**
 * The data the fuzzer aims at: a server with two tenants, each with a template, an event,
 * a contact, an app event type and a custom object schema, so generated requests reach past
 * authentication and lookups into every route's own rules. The fuzzer drives the server in process
 * (`app.inject`), and this world is what its path parameters, credentials and valid bodies come from.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';
import { hsmeta } from '../http/app-event-helpers.js';
import { canonicalPrefix } from './route-fuzzer.js';

export interface FuzzWorld {
  server: TestServer;
  adminToken: string;
  /** Valid values of each path parameter name. */
  params: Record<string, string[]>;
  /** Credentials to choose from: each a full Authorization header value. */
  authorizations: string[];
  hapikeys: string[];
  /** Cookie headers of /ui sessions. */
  cookies: string[];
  /** A valid body for `METHOD /route/pattern`: JSON, or a form (a string) for form routes. */
  validBodies: Record<string, unknown>;
  close(): Promise<void>;
}

async function inject(
  server: TestServer,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: unknown,
  authorization?: string,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  const response = await server.app.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
  return response;
}

export async function buildFuzzWorld(settings: Record<string, string> = {}): Promise<FuzzWorld> {
  const server = await startTestServer(settings);
  const adminToken = server.credentials.adminToken;
  const admin = `Bearer ${adminToken}`;
  const bearer = `Bearer ${server.accessToken}`;
  const v3 = canonicalPrefix('timeline-v3');
  const appEvents = canonicalPrefix('app-events');
  const templates = `${v3}/${server.appId}/event-templates?hapikey=${server.apiKey}`;
  const template = (await inject(server, 'POST', templates, webinarTemplate)).json();
  const event = (
    await inject(
      server,
      'POST',
      `${v3}/events`,
      {
        eventTemplateId: template.id,
        email: 'ada@example.com',
        id: 'fuzz-1',
        tokens: { webinarName: 'Intro' },
      },
      bearer,
    )
  ).json();
  await inject(server, 'POST', `/_admin/v1/apps/${server.appId}/app-event-types`, hsmeta(), admin);
  const schema = (
    await inject(
      server,
      'POST',
      '/crm/v3/schemas',
      {
        name: 'pets',
        labels: { singular: 'Pet', plural: 'Pets' },
        primaryDisplayProperty: 'pet_name',
        requiredProperties: ['pet_name'],
        associatedObjects: ['CONTACT'],
        properties: [{ name: 'pet_name', label: 'Pet name', type: 'string', fieldType: 'text' }],
      },
      bearer,
    )
  ).json();
  // A second tenant: another portal's token, another developer's key and app.
  const other = (
    await inject(
      server,
      'POST',
      '/_admin/v1/developer-accounts',
      { apiKey: 'fuzz-other-key', appId: 424242 },
      admin,
    )
  ).json();
  await inject(server, 'PUT', '/_admin/v1/portals/434343', {}, admin);
  await inject(
    server,
    'POST',
    '/_admin/v1/access-tokens',
    { portalId: 434343, appId: 424242, token: 'fuzz-other-token' },
    admin,
  );
  await inject(
    server,
    'POST',
    '/_admin/v1/access-tokens',
    { portalId: server.portalId, appId: server.appId, token: 'fuzz-no-scopes', scopes: ['oauth'] },
    admin,
  );
  // Real sessions, signed in as a browser is (the cookies hold only ids), and their form token.
  const signIn = async (token: string, portalIds = '') => {
    const browser = new TestBrowser(server.url);
    await browser.signIn(token, portalIds);
    return {
      cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      csrf: browser.csrf ?? '',
    };
  };
  const portalSession = await signIn(server.accessToken);
  const adminSession = await signIn(adminToken, String(server.portalId));

  const oauth = server.credentials;
  return {
    server,
    adminToken,
    params: {
      appId: [String(server.appId), String(other.appId ?? 424242), '0', '-1', '1e3'],
      eventTemplateId: [template.id, '0', '999999999'],
      eventId: [event.id, 'fuzz-1', 'nope'],
      tokenName: ['webinarName', 'seats', 'nope'],
      objectType: [
        'contacts',
        'companies',
        'deals',
        'tickets',
        schema.objectTypeId,
        `p${server.portalId}_pets`,
        'pets',
      ],
      objectId: [event.objectId, '1', '0'],
      id: [event.objectId, '1', 'ada@example.com'],
      portalId: [String(server.portalId), '434343', '0'],
      token: [server.accessToken, 'fuzz-other-token', 'rt-nope'],
      templateId: [template.id, '0'],
    },
    authorizations: [
      bearer,
      admin,
      'Bearer fuzz-other-token',
      'Bearer fuzz-no-scopes',
      'Bearer wrong',
      'Basic Zm9vOmJhcg==',
      'Bearer',
      '',
    ],
    hapikeys: [server.apiKey, 'fuzz-other-key', 'wrong', ''],
    cookies: [portalSession.cookie, adminSession.cookie, 'timeline_session=wrong', 'timeline_session=%%%'],
    validBodies: {
      [`POST ${v3}/:appId/event-templates`]: webinarTemplate,
      [`PUT ${v3}/:appId/event-templates/:eventTemplateId`]: {
        ...webinarTemplate,
        id: template.id,
      },
      [`POST ${v3}/:appId/event-templates/:eventTemplateId/tokens`]: {
        name: 'extra',
        label: 'Extra',
        type: 'string',
      },
      [`PUT ${v3}/:appId/event-templates/:eventTemplateId/tokens/:tokenName`]: {
        name: 'webinarName',
        label: 'Webinar',
        type: 'string',
      },
      [`POST ${v3}/events`]: {
        eventTemplateId: template.id,
        email: 'grace@example.com',
        tokens: { webinarName: 'Deep dive', seats: 3, tier: 'paid' },
        extraData: { note: 'hi', nested: { list: [1, 2, 3] } },
      },
      [`POST ${v3}/events/batch/create`]: {
        inputs: [
          { eventTemplateId: template.id, objectId: event.objectId, tokens: { webinarName: 'A' } },
          { eventTemplateId: template.id, email: 'linus@example.com', tokens: { webinarName: 'B' } },
        ],
      },
      [`POST ${appEvents}/events`]: {
        eventTypeName: 'course_enrollment',
        email: 'ada@example.com',
        properties: { courseName: 'Intro', seats: 2 },
      },
      [`POST ${appEvents}/events/batch`]: {
        inputs: [
          { eventTypeName: 'course_enrollment', email: 'ada@example.com', properties: { courseName: 'B' } },
        ],
      },
      [`POST ${appEvents}/types/projects`]: { developerSymbol: 'acme', projectName: 'demo' },
      'POST /crm/v3/objects/:objectType': { properties: { email: 'new@example.com', firstname: 'New' } },
      'PATCH /crm/v3/objects/:objectType/:id': { properties: { firstname: 'Changed' } },
      'POST /crm/v3/objects/contacts/search': {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] }],
      },
      'POST /crm/v3/schemas': {
        name: 'cars',
        labels: { singular: 'Car', plural: 'Cars' },
        primaryDisplayProperty: 'plate',
        requiredProperties: ['plate'],
        associatedObjects: ['CONTACT'],
        properties: [{ name: 'plate', label: 'Plate', type: 'string', fieldType: 'text' }],
      },
      'PUT /_admin/v1/portals/:portalId': { timeZone: 'America/New_York' },
      'POST /_admin/v1/developer-accounts': { appId: 555 },
      'POST /_admin/v1/access-tokens': {
        portalId: server.portalId,
        appId: server.appId,
        scopes: ['timeline'],
      },
      'POST /_admin/v1/apps/:appId/app-event-types': hsmeta({ uid: 'fuzzed' }),
      'POST /oauth/v1/token': new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: oauth.oauthClientId,
        client_secret: oauth.oauthClientSecret,
      }).toString(),
      'POST /ui/login': new URLSearchParams({
        token: server.accessToken,
        csrf: portalSession.csrf,
      }).toString(),
    },
    close: async () => {
      await server.close();
    },
  };
}
