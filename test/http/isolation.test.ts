/**
 * Tenant isolation over every route. Two tenants, A (the provisioned portal, app and
 * developer) and B (another developer, app and portal), each with a template, an event, a contact,
 * a custom object schema and an app event type. For every route in Fastify's own route table (so a
 * route added later without a row here fails this test): no credential, a wrong one, and a token
 * without the scope get HubSpot's 401/403; tenant A's credentials aimed at B's ids get 400/403/404
 * and never one of B's values; and B's stored state is the same afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_VERSIONS } from '../../src/domain/api-versions.js';
import type { RouteEntry } from '../../src/http/app.js';
import { TestBrowser } from '../helpers/browser.js';
import {
  ok,
  type RequestOptions,
  startTestServer,
  type TestResponse,
  type TestServer,
} from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';
import { hsmeta } from './app-event-helpers.js';

let server: TestServer;
let admin: string;

/** B's ids and the secrets none of A's answers may hold. */
const b = {
  portalId: 0,
  appId: 0,
  token: '',
  apiKey: '',
  templateId: '',
  eventId: 'b-private-event',
  contactId: '',
  objectTypeId: '',
  email: 'b-private@example.com',
  templateName: 'B private template',
};
const A_NO_SCOPE = 'a-token-without-scopes';

/** No credentials unless given; redirects are answers here (the UI's sign-in redirect), not followed. */
function call(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  return server.request(method, path, { ...options, token: options.token ?? false, redirect: 'manual' });
}

before(async () => {
  server = await startTestServer();
  admin = server.credentials.adminToken;
  b.appId = Number(`8${server.appId}`);
  b.portalId = Number(`8${server.portalId}`);
  b.apiKey = `b-key-${server.portalId}`;
  b.token = `b-token-${server.portalId}`;
  await ok(
    await call('POST', '/_admin/v1/developer-accounts', {
      token: admin,
      body: { apiKey: b.apiKey, appId: b.appId },
    }),
  );
  await ok(await call('PUT', `/_admin/v1/portals/${b.portalId}`, { token: admin, body: {} }));
  await ok(
    await call('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId: b.portalId, appId: b.appId, token: b.token },
    }),
  );
  await ok(
    await call('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId: server.portalId, appId: server.appId, token: A_NO_SCOPE, scopes: ['oauth'] },
    }),
  );
  const template = await ok(
    await call('POST', `/integrators/timeline/v3/${b.appId}/event-templates?hapikey=${b.apiKey}`, {
      body: { ...webinarTemplate, name: b.templateName },
    }),
  );
  b.templateId = template.json.id;
  const event = await ok(
    await call('POST', '/integrators/timeline/v3/events', {
      token: b.token,
      body: {
        eventTemplateId: b.templateId,
        id: b.eventId,
        email: b.email,
        tokens: { webinarName: 'B secret' },
      },
    }),
  );
  b.contactId = event.json.objectId;
  const schema = await ok(
    await call('POST', '/crm/v3/schemas', {
      token: b.token,
      body: {
        name: 'bprivate',
        labels: { singular: 'B private', plural: 'B privates' },
        primaryDisplayProperty: 'label',
        requiredProperties: ['label'],
        associatedObjects: ['CONTACT'],
        properties: [{ name: 'label', label: 'Label', type: 'string', fieldType: 'text' }],
      },
    }),
  );
  b.objectTypeId = schema.json.objectTypeId;
  await ok(
    await call('POST', `/_admin/v1/apps/${b.appId}/app-event-types`, {
      token: admin,
      body: hsmeta({ uid: 'b_private' }),
    }),
  );
  // A has data too, so "not found" is not merely "A has nothing".
  await ok(
    await call('POST', '/crm/v3/objects/contacts', {
      token: server.accessToken,
      body: { properties: { email: 'a-own@example.com' } },
    }),
  );
});

after(async () => {
  await server?.close();
});

/** Everything of B a user can read, read with B's own credentials. */
async function stateOfB(): Promise<unknown> {
  const reads = [
    call('GET', `/integrators/timeline/v3/${b.appId}/event-templates?hapikey=${b.apiKey}`),
    call('GET', `/integrators/timeline/v3/events/${b.templateId}/${b.eventId}`, { token: b.token }),
    call('GET', `/crm/v3/objects/contacts/${b.contactId}?properties=email,firstname`, { token: b.token }),
    call('GET', '/crm/v3/objects/contacts?limit=100', { token: b.token }),
    call('GET', '/crm/v3/schemas', { token: b.token }),
    call('GET', `/_admin/v1/apps/${b.appId}/app-event-types`, { token: admin }),
    call('GET', `/_timeline/v1/objects/contacts/${b.contactId}/events`, { token: b.token }),
  ];
  return (await Promise.all(reads)).map((res) => [res.status, res.json]);
}

type Auth = 'public' | 'admin' | 'developer' | 'bearer' | 'timeline' | 'session';

interface Row {
  auth: Auth;
  /** The path aimed at tenant B's ids. */
  path: () => string;
  body?: () => unknown;
  /** A's answer when it aims at B's ids with A's own credential (undefined: A has no way in). */
  cross?: number;
}

const eventBody = () => ({
  eventTemplateId: b.templateId,
  objectId: b.contactId,
  tokens: { webinarName: 'x' },
});
const templateRows = (prefix: (rest: string) => string): Record<string, Row> => ({
  [`GET ${prefix('/:appId/event-templates')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates`),
    cross: 403,
  },
  [`POST ${prefix('/:appId/event-templates')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates`),
    body: () => webinarTemplate,
    cross: 403,
  },
  [`GET ${prefix('/:appId/event-templates/:eventTemplateId')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates/${b.templateId}`),
    cross: 403,
  },
  [`PUT ${prefix('/:appId/event-templates/:eventTemplateId')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates/${b.templateId}`),
    body: () => ({ ...webinarTemplate, id: b.templateId, name: 'taken over' }),
    cross: 403,
  },
  [`DELETE ${prefix('/:appId/event-templates/:eventTemplateId')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates/${b.templateId}`),
    cross: 403,
  },
  [`POST ${prefix('/:appId/event-templates/:eventTemplateId/tokens')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates/${b.templateId}/tokens`),
    body: () => ({ name: 'added', label: 'Added', type: 'string' }),
    cross: 403,
  },
  [`PUT ${prefix('/:appId/event-templates/:eventTemplateId/tokens/:tokenName')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates/${b.templateId}/tokens/webinarName`),
    body: () => ({ name: 'webinarName', label: 'Changed', type: 'string' }),
    cross: 403,
  },
  [`DELETE ${prefix('/:appId/event-templates/:eventTemplateId/tokens/:tokenName')}`]: {
    auth: 'developer',
    path: () => prefix(`/${b.appId}/event-templates/${b.templateId}/tokens/webinarName`),
    cross: 403,
  },
  [`POST ${prefix('/events')}`]: {
    auth: 'bearer',
    path: () => prefix('/events'),
    body: eventBody,
    cross: 400,
  },
  [`POST ${prefix('/events/batch/create')}`]: {
    auth: 'bearer',
    path: () => prefix('/events/batch/create'),
    body: () => ({ inputs: [eventBody()] }),
    // HubSpot's batch answers 207 with each failed input in `errors` (here: B's template unknown to A).
    cross: 207,
  },
  [`GET ${prefix('/events/:eventTemplateId/:eventId')}`]: {
    auth: 'bearer',
    path: () => prefix(`/events/${b.templateId}/${b.eventId}`),
    cross: 404,
  },
  [`GET ${prefix('/events/:eventTemplateId/:eventId/render')}`]: {
    auth: 'bearer',
    path: () => prefix(`/events/${b.templateId}/${b.eventId}/render`),
    cross: 404,
  },
  [`GET ${prefix('/events/:eventTemplateId/:eventId/detail')}`]: {
    auth: 'bearer',
    path: () => prefix(`/events/${b.templateId}/${b.eventId}/detail`),
    cross: 404,
  },
});

const appEventRows = (prefix: string): Record<string, Row> => ({
  [`POST ${prefix}/events`]: {
    auth: 'bearer',
    path: () => `${prefix}/events`,
    body: () => ({ eventTypeName: 'b_private', objectId: b.contactId, properties: { courseName: 'x' } }),
    cross: 400,
  },
  [`POST ${prefix}/events/batch`]: {
    auth: 'bearer',
    path: () => `${prefix}/events/batch`,
    body: () => ({
      inputs: [{ eventTypeName: 'b_private', objectId: b.contactId, properties: { courseName: 'x' } }],
    }),
    cross: 400,
  },
  [`POST ${prefix}/types/projects`]: {
    auth: 'bearer',
    path: () => `${prefix}/types/projects`,
    body: () => ({ developerSymbol: 'b', projectName: 'b' }),
  },
});

/**
 * HubSpot's current OAuth API: the client authenticates by the id and secret in the body, and sees
 * and revokes only its own app's tokens (test/http/oauth-current.test.ts: "another app's tokens").
 */
const oauthRows = (version: string): Record<string, Row> => ({
  [`POST /oauth/${version}/token`]: { auth: 'public', path: () => `/oauth/${version}/token` },
  [`POST /oauth/${version}/token/introspect`]: {
    auth: 'public',
    path: () => `/oauth/${version}/token/introspect`,
  },
  [`POST /oauth/${version}/token/revoke`]: { auth: 'public', path: () => `/oauth/${version}/token/revoke` },
});

const crmRows = (root: string): Record<string, Row> => ({
  [`POST ${root}`]: {
    auth: 'bearer',
    path: () => root,
    body: () => ({ name: 'x', labels: { singular: 'X', plural: 'Xs' } }),
  },
  [`GET ${root}`]: { auth: 'bearer', path: () => root },
  [`GET ${root}/:objectType`]: { auth: 'bearer', path: () => `${root}/${b.objectTypeId}`, cross: 404 },
});

const TABLE: Record<string, Row> = {
  'GET /': { auth: 'public', path: () => '/' },
  'GET /_health': { auth: 'public', path: () => '/_health' },
  'GET /metrics': { auth: 'admin', path: () => '/metrics' },
  'PUT /_admin/v1/portals/:portalId': {
    auth: 'admin',
    path: () => `/_admin/v1/portals/${b.portalId}`,
    body: () => ({ timeZone: 'Asia/Tokyo' }),
  },
  'POST /_admin/v1/developer-accounts': {
    auth: 'admin',
    path: () => '/_admin/v1/developer-accounts',
    body: () => ({}),
  },
  // The test-suite controls (never sent with the admin token here: a reset would wipe B)
  'POST /_admin/v1/reset': { auth: 'admin', path: () => '/_admin/v1/reset', body: () => ({}) },
  'POST /_admin/v1/seed': { auth: 'admin', path: () => '/_admin/v1/seed', body: () => ({}) },
  'GET /_admin/v1/clock': { auth: 'admin', path: () => '/_admin/v1/clock' },
  'POST /_admin/v1/clock': { auth: 'admin', path: () => '/_admin/v1/clock', body: () => ({ advanceMs: 1 }) },
  'DELETE /_admin/v1/clock': { auth: 'admin', path: () => '/_admin/v1/clock' },
  'GET /_admin/v1/requests': { auth: 'admin', path: () => '/_admin/v1/requests' },
  'GET /_admin/v1/requests/count': { auth: 'admin', path: () => '/_admin/v1/requests/count' },
  'DELETE /_admin/v1/requests': { auth: 'admin', path: () => '/_admin/v1/requests' },
  'POST /_admin/v1/faults': {
    auth: 'admin',
    path: () => '/_admin/v1/faults',
    body: () => ({ match: { path: '/' }, status: 503 }),
  },
  'GET /_admin/v1/faults': { auth: 'admin', path: () => '/_admin/v1/faults' },
  'DELETE /_admin/v1/faults': { auth: 'admin', path: () => '/_admin/v1/faults' },
  'DELETE /_admin/v1/faults/:id': { auth: 'admin', path: () => '/_admin/v1/faults/f-1' },
  'POST /_admin/v1/access-tokens': {
    auth: 'admin',
    path: () => '/_admin/v1/access-tokens',
    body: () => ({ portalId: b.portalId, appId: b.appId }),
  },
  'POST /_admin/v1/apps/:appId/app-event-types': {
    auth: 'admin',
    path: () => `/_admin/v1/apps/${b.appId}/app-event-types`,
    body: () => hsmeta({ uid: 'b_private' }),
  },
  'GET /_admin/v1/apps/:appId/app-event-types': {
    auth: 'admin',
    path: () => `/_admin/v1/apps/${b.appId}/app-event-types`,
  },
  'PUT /_admin/v1/apps/:appId/trusted-portals/:portalId': {
    auth: 'admin',
    path: () => `/_admin/v1/apps/${b.appId}/trusted-portals/${b.portalId}`,
  },
  'DELETE /_admin/v1/apps/:appId/trusted-portals/:portalId': {
    auth: 'admin',
    path: () => `/_admin/v1/apps/${b.appId}/trusted-portals/${b.portalId}`,
  },
  'GET /_timeline/v1/objects/:objectType': {
    auth: 'timeline',
    path: () => '/_timeline/v1/objects/contacts',
    cross: 200,
  },
  'GET /_timeline/v1/objects/:objectType/:objectId/events': {
    auth: 'timeline',
    path: () => `/_timeline/v1/objects/contacts/${b.contactId}/events`,
    cross: 404,
  },
  // Every version and prefix of the API version table.
  ...Object.assign(
    {},
    ...API_VERSIONS.flatMap((version) =>
      version.prefixes.map((prefix) =>
        version.kind === 'timeline-v3' ? templateRows((rest) => `${prefix}${rest}`) : appEventRows(prefix),
      ),
    ),
  ),
  'POST /crm/v3/objects/contacts/search': {
    auth: 'bearer',
    path: () => '/crm/v3/objects/contacts/search',
    body: () => ({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: b.email }] }],
    }),
    cross: 200,
  },
  'POST /crm/v3/objects/:objectType': {
    auth: 'bearer',
    path: () => `/crm/v3/objects/${b.objectTypeId}`,
    body: () => ({ properties: { label: 'x' } }),
    // HubSpot's answer to an object type the portal does not have.
    cross: 400,
  },
  'GET /crm/v3/objects/:objectType': {
    auth: 'bearer',
    path: () => `/crm/v3/objects/${b.objectTypeId}`,
    cross: 400,
  },
  'GET /crm/v3/objects/:objectType/:id': {
    auth: 'bearer',
    path: () => `/crm/v3/objects/contacts/${b.contactId}?properties=email`,
    cross: 404,
  },
  'PATCH /crm/v3/objects/:objectType/:id': {
    auth: 'bearer',
    path: () => `/crm/v3/objects/contacts/${b.contactId}`,
    body: () => ({ properties: { firstname: 'taken over' } }),
    cross: 404,
  },
  'DELETE /crm/v3/objects/:objectType/:id': {
    auth: 'bearer',
    path: () => `/crm/v3/objects/contacts/${b.contactId}`,
    // HubSpot's archive answers 204 for an id the portal does not have; B's record stays (checked).
    cross: 204,
  },
  ...crmRows('/crm/v3/schemas'),
  ...crmRows('/crm-object-schemas/v3/schemas'),
  // OAuth: the authorize page and token endpoint authenticate the client (its id and secret), and
  // HubSpot's token information routes take the token itself as the credential.
  // The approval itself needs a UI session of the portal (test/http/oauth.test.ts: consent).
  'GET /oauth/authorize': { auth: 'public', path: () => '/oauth/authorize' },
  'POST /oauth/authorize': { auth: 'public', path: () => '/oauth/authorize' },
  'POST /oauth/v1/token': { auth: 'public', path: () => '/oauth/v1/token' },
  'GET /oauth/v1/access-tokens/:token': { auth: 'public', path: () => '/oauth/v1/access-tokens/not-a-token' },
  'GET /oauth/v1/refresh-tokens/:token': {
    auth: 'public',
    path: () => '/oauth/v1/refresh-tokens/not-a-token',
  },
  'DELETE /oauth/v1/refresh-tokens/:token': {
    auth: 'public',
    path: () => '/oauth/v1/refresh-tokens/not-a-token',
  },
  ...oauthRows('v3'),
  ...oauthRows('2026-03'),
  ...oauthRows('2026-09'),
  'GET /ui': { auth: 'public', path: () => '/ui' },
  'GET /ui/login': { auth: 'public', path: () => '/ui/login' },
  'GET /ui/assets/app.css': { auth: 'public', path: () => '/ui/assets/app.css' },
  'GET /ui/assets/app.js': { auth: 'public', path: () => '/ui/assets/app.js' },
  'POST /ui/login': { auth: 'public', path: () => '/ui/login' },
  'POST /ui/logout': { auth: 'public', path: () => '/ui/logout' },
  'GET /ui/records/:objectType': { auth: 'session', path: () => '/ui/records/contacts', cross: 200 },
  'GET /ui/records/:objectType/:objectId': {
    auth: 'session',
    path: () => `/ui/records/contacts/${b.contactId}`,
    cross: 404,
  },
  'GET /ui/records/:objectType/:objectId/events-fragment': {
    auth: 'session',
    path: () => `/ui/records/contacts/${b.contactId}/events-fragment`,
    cross: 404,
  },
  'GET /ui/templates/:templateId': {
    auth: 'session',
    path: () => `/ui/templates/${b.templateId}`,
    cross: 404,
  },
  // A's own app's templates only (and A's portal's events of them): nothing of B's.
  'GET /ui/templates': { auth: 'session', path: () => '/ui/templates', cross: 200 },
  'GET /ui/templates/:templateId/preview': {
    auth: 'session',
    path: () => `/ui/templates/${b.templateId}/preview`,
    cross: 404,
  },
};

const routeKey = (route: RouteEntry) => `${route.method} ${route.url}`;

/** A browser's session cookie after signing in with `token` (a made-up one for a wrong token). */
async function session(token: string): Promise<string> {
  const browser = new TestBrowser(server.url);
  await browser.signIn(token);
  return `timeline_session=${browser.cookies.get('timeline_session') ?? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'}`;
}

/** The request with `credential` put where the route reads it. */
function send(row: Row, method: string, credential: { token?: string; key?: string; cookie?: string }) {
  let path = row.path();
  if (credential.key !== undefined)
    path += `${path.includes('?') ? '&' : '?'}hapikey=${encodeURIComponent(credential.key)}`;
  const headers: Record<string, string> = {};
  if (credential.cookie !== undefined) headers.cookie = credential.cookie;
  return call(method, path, {
    ...(credential.token === undefined ? {} : { token: credential.token }),
    body: row.body?.(),
    headers,
  });
}

function assertNoLeak(res: TestResponse): void {
  for (const secret of [b.email, b.templateName, 'B secret', b.token, b.apiKey]) {
    assert.ok(!res.text.includes(secret), `the answer holds B's '${secret}': ${res.text.slice(0, 300)}`);
  }
}

describe('isolation over every route', () => {
  it('every route of the app has a row in the table', () => {
    const missing = server.app.routeTable
      .filter((r) => r.method !== 'HEAD' && !(routeKey(r) in TABLE))
      .map(routeKey);
    assert.deepEqual(missing, [], 'add a row for each new route to TABLE in test/http/isolation.test.ts');
  });

  it('no credential, a wrong one, or a token without the scope: 401 or 403, nothing of B', async () => {
    const before = await stateOfB();
    for (const route of server.app.routeTable) {
      const row = TABLE[routeKey(route)];
      if (!row || route.method === 'HEAD' || row.auth === 'public') continue;
      const label = routeKey(route);
      const none = await send(row, route.method, {});
      const wrong =
        row.auth === 'developer'
          ? await send(row, route.method, { key: 'wrong-key' })
          : row.auth === 'session'
            ? await send(row, route.method, { cookie: await session('wrong-token') })
            : await send(row, route.method, { token: 'wrong-token' });
      for (const [what, res] of [
        ['no credential', none],
        ['a wrong credential', wrong],
      ] as const) {
        assertNoLeak(res);
        if (row.auth === 'session' && !label.endsWith('events-fragment')) {
          // The UI's pages send the browser to sign in.
          assert.equal(res.status, 303, `${label} with ${what}: ${res.text}`);
          assert.equal(res.headers.get('location'), '/ui');
        } else {
          assert.equal(res.status, 401, `${label} with ${what}: ${res.text}`);
          assert.equal(res.json?.category, 'INVALID_AUTHENTICATION', `${label} with ${what}: ${res.text}`);
        }
      }
      if (row.auth === 'bearer' || row.auth === 'timeline' || row.auth === 'admin') {
        const unscoped = await send(row, route.method, { token: A_NO_SCOPE });
        assertNoLeak(unscoped);
        // The admin routes know no scopes: any token but the admin token is simply wrong there.
        const expected = row.auth === 'admin' ? 401 : 403;
        assert.equal(unscoped.status, expected, `${label} with a token without the scope: ${unscoped.text}`);
      }
    }
    assert.deepEqual(await stateOfB(), before, "B's state changed");
  });

  it("A's own credentials aimed at B's ids: 400, 403 or 404, never B's data; B unchanged", async () => {
    const before = await stateOfB();
    for (const route of server.app.routeTable) {
      const row = TABLE[routeKey(route)];
      if (!row || route.method === 'HEAD' || row.cross === undefined) continue;
      const label = routeKey(route);
      const credentials =
        row.auth === 'developer'
          ? [{ key: server.apiKey }, { token: server.accessToken }]
          : row.auth === 'session'
            ? [{ cookie: await session(server.accessToken) }]
            : [{ token: server.accessToken }];
      for (const credential of credentials) {
        const res = await send(row, route.method, credential);
        assertNoLeak(res);
        assert.equal(
          res.status,
          row.cross,
          `${label} as A (${Object.keys(credential)[0]}): ${res.text.slice(0, 300)}`,
        );
      }
    }
    assert.deepEqual(await stateOfB(), before, "B's state changed");
  });
});

/**
 * Apps sharing a portal: C, another developer's app installed in A's portal, sends an event to one
 * of A's contacts. The one visibility rule (domain/credentials/viewer.ts): an app's token sees its
 * own app's events only, on every read path; the portal's private-app token sees every app's, as
 * the portal's users do on HubSpot; neither sees another portal's.
 */
describe('apps sharing a portal', () => {
  const c = { appId: 0, key: '', token: '', templateId: '', contactId: '', marker: 'C-only secret value' };
  let aAppToken = '';

  before(async () => {
    c.appId = Number(`7${server.appId}`);
    c.key = `c-key-${server.portalId}`;
    await ok(
      await call('POST', '/_admin/v1/developer-accounts', {
        token: admin,
        body: { apiKey: c.key, appId: c.appId },
      }),
    );
    c.token = (
      await ok(
        await call('POST', '/_admin/v1/access-tokens', {
          token: admin,
          body: { portalId: server.portalId, appId: c.appId },
        }),
      )
    ).json.token;
    aAppToken = (
      await ok(
        await call('POST', '/_admin/v1/access-tokens', {
          token: admin,
          body: { portalId: server.portalId, appId: server.appId },
        }),
      )
    ).json.token;
    const template = await ok(
      await call('POST', `/integrators/timeline/v3/${c.appId}/event-templates?hapikey=${c.key}`, {
        body: { ...webinarTemplate, name: 'C template', detailTemplate: 'Detail {{webinarName}}' },
      }),
    );
    c.templateId = template.json.id;
    const contact = await ok(
      await call('POST', '/crm/v3/objects/contacts', {
        token: server.accessToken,
        body: { properties: { email: 'shared@example.com' } },
      }),
    );
    c.contactId = contact.json.id;
    await ok(
      await call('POST', '/integrators/timeline/v3/events', {
        token: c.token,
        body: {
          eventTemplateId: c.templateId,
          id: 'c-event',
          objectId: c.contactId,
          tokens: { webinarName: c.marker },
        },
      }),
    );
    const own = await ok(
      await call(
        'POST',
        `/integrators/timeline/v3/${server.appId}/event-templates?hapikey=${server.apiKey}`,
        {
          body: { ...webinarTemplate, name: 'A template' },
        },
      ),
    );
    await ok(
      await call('POST', '/integrators/timeline/v3/events', {
        token: aAppToken,
        body: {
          eventTemplateId: own.json.id,
          id: 'a-event',
          objectId: c.contactId,
          tokens: { webinarName: 'A value' },
        },
      }),
    );
  });

  const events = (token: string, query = '?render=detail') =>
    call('GET', `/_timeline/v1/objects/contacts/${c.contactId}/events${query}`, { token });

  it("an app's token reads its own app's events of the record, never another app's", async () => {
    const mine = await events(aAppToken);
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(
      mine.json.results.map((r: { id: string }) => r.id),
      ['a-event'],
    );
    assert.ok(!mine.text.includes(c.marker));
    const filtered = await events(aAppToken, `?eventTemplateId=${c.templateId}&render=detail`);
    assert.deepEqual(filtered.json.results, [], "asking for C's template by id finds nothing");
    const theirs = await events(c.token);
    assert.deepEqual(
      theirs.json.results.map((r: { id: string }) => r.id),
      ['c-event'],
    );
    for (const path of [
      `/events/${c.templateId}/c-event`,
      `/events/${c.templateId}/c-event/render?detail=true`,
    ]) {
      const v3 = await call('GET', `/integrators/timeline/v3${path}`, { token: aAppToken });
      assert.equal(v3.status, 404, path);
      assert.ok(!v3.text.includes(c.marker));
    }
  });

  it("an app's token cannot list the portal's records: their counts span every app", async () => {
    const list = await call('GET', '/_timeline/v1/objects/contacts', { token: aAppToken });
    assert.equal(list.status, 403);
    assert.equal(list.json.category, 'FORBIDDEN');
  });

  it("the portal's private-app token and the admin see every app's events of the portal", async () => {
    const portal = await events(server.accessToken);
    assert.deepEqual(portal.json.results.map((r: { id: string }) => r.id).sort(), ['a-event', 'c-event']);
    const asAdmin = await call(
      'GET',
      `/_timeline/v1/objects/contacts/${c.contactId}/events?portalId=${server.portalId}`,
      { token: admin },
    );
    assert.equal(asAdmin.json.results.length, 2);
  });

  it("an app's token cannot open the web UI; the portal's token sees the record whole there", async () => {
    const app = new TestBrowser(server.url);
    assert.equal((await app.signIn(aAppToken)).status, 401);
    assert.equal((await app.get(`/ui/records/contacts/${c.contactId}`)).status, 303);
    const portal = new TestBrowser(server.url);
    await portal.signIn(server.accessToken);
    const page = await portal.get(`/ui/records/contacts/${c.contactId}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(c.marker));
    // Template definitions belong to apps: the portal's token sees only its own app's.
    assert.equal((await portal.get(`/ui/templates/${c.templateId}`)).status, 404);
  });
});
