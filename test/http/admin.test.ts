/** The admin API: portals and their zones, developer accounts and apps, access tokens. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let admin: string;
before(async () => {
  server = await startTestServer();
  admin = server.credentials.adminToken;
});
after(() => server.close());

describe('admin API', () => {
  it('answers 401 without the admin token or with another token', async () => {
    const none = await server.request('PUT', '/_admin/v1/portals/5', { body: {}, token: false });
    assert.equal(none.status, 401);
    assert.equal(none.json.category, 'INVALID_AUTHENTICATION');
    const wrong = await server.request('PUT', '/_admin/v1/portals/5', { body: {} });
    assert.equal(wrong.status, 401, 'an access token is not the admin token');
  });

  it('sets a portal time zone, which rendering then uses', async () => {
    const template = await createTemplate(server, {
      name: 'Zoned',
      headerTemplate: '{{#formatDate timestamp format="short"}}{{/formatDate}}',
      tokens: [],
    });
    const created = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: {
        eventTemplateId: template,
        id: 'zoned',
        email: 'zone@example.com',
        tokens: {},
        timestamp: '2020-01-30T18:13:25Z',
      },
    });
    assert.equal(created.status, 201);
    const render = async () =>
      (await server.request('GET', `${PREFIXES[0]}/events/${template}/zoned/render`)).text;
    assert.equal(await render(), '<p>1/30/20, 6:13 PM</p>');
    const put = await server.request('PUT', `/_admin/v1/portals/${server.portalId}`, {
      body: { timeZone: 'America/Los_Angeles' },
      token: admin,
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json, { id: server.portalId, timeZone: 'America/Los_Angeles' });
    assert.equal(await render(), '<p>1/30/20, 10:13 AM</p>');
  });

  it('refuses an unknown time zone and a non-numeric portal id, naming the field', async () => {
    const zone = await server.request('PUT', '/_admin/v1/portals/7', {
      body: { timeZone: 'Mars/Olympus' },
      token: admin,
    });
    assert.equal(zone.status, 400);
    assert.equal(zone.json.errors[0].in, 'timeZone');
    const id = await server.request('PUT', '/_admin/v1/portals/abc', { body: {}, token: admin });
    assert.equal(id.status, 400);
    assert.equal(id.json.errors[0].in, 'portalId');
  });

  it('checks a portal body against its schema: each wrong or unknown field named; no body is {}', async () => {
    const put = (body: unknown) =>
      server.request('PUT', `/_admin/v1/portals/${server.portalId}`, { body, token: admin });
    const wrong = await put({ timeZone: 5, rateLimit: 10, colour: 'red' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.category, 'VALIDATION_ERROR');
    const byField = Object.fromEntries(
      wrong.json.errors.map((e: { in: string; message: string }) => [e.in, e.message]),
    );
    assert.equal(byField.timeZone, 'timeZone must be a string');
    assert.equal(byField.rateLimit, 'rateLimit must be a string or null');
    assert.equal(byField.colour, 'colour is not a field this takes; use timeZone or rateLimit');
    const badLimit = await put({ rateLimit: 'lots' });
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.json.errors[0].in, 'rateLimit');
    const none = await server.request('PUT', `/_admin/v1/portals/${server.portalId}`, { token: admin });
    assert.equal(none.status, 200, none.text);
    assert.equal(none.json.id, server.portalId);
  });

  it('makes a second tenant: portal, developer account with an app, access token', async () => {
    assert.equal(
      (await server.request('PUT', '/_admin/v1/portals/880001', { body: { timeZone: 'UTC' }, token: admin }))
        .status,
      200,
    );
    const account = await server.request('POST', '/_admin/v1/developer-accounts', {
      body: { apiKey: 'tenant-two-key', appId: 880002 },
      token: admin,
    });
    assert.equal(account.status, 201, account.text);
    assert.deepEqual(account.json.appIds, [880002]);
    const token = await server.request('POST', '/_admin/v1/access-tokens', {
      body: { portalId: 880001, appId: 880002, scopes: ['timeline'] },
      token: admin,
    });
    assert.equal(token.status, 201, token.text);
    // An app's token by default (it sees its own app's events), 256 random bits.
    assert.match(token.json.token, /^app-[A-Za-z0-9_-]{43}$/);
    assert.equal(token.json.kind, 'app');
    assert.deepEqual(token.json.scopes, ['timeline']);
    const portalWide = await server.request('POST', '/_admin/v1/access-tokens', {
      body: { portalId: 880001, appId: 880002, kind: 'private-app' },
      token: admin,
    });
    assert.match(portalWide.json.token, /^pat-local-[A-Za-z0-9_-]{43}$/);
    assert.equal(portalWide.json.kind, 'private-app');
    const badKind = await server.request('POST', '/_admin/v1/access-tokens', {
      body: { portalId: 880001, appId: 880002, kind: 'super' },
      token: admin,
    });
    assert.equal(badKind.status, 400);
    assert.equal(badKind.json.errors[0].in, 'kind');

    const templateId = await createTemplate(
      server,
      { name: 'Tenant two', tokens: [] },
      880002,
      'tenant-two-key',
    );
    const event = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: { eventTemplateId: templateId, email: 'two@example.com', tokens: {} },
      token: token.json.token,
    });
    assert.equal(event.status, 201, event.text);
    // The first tenant's token cannot use the second tenant's app's template.
    const foreign = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: { eventTemplateId: templateId, email: 'one@example.com', tokens: {} },
    });
    assert.equal(foreign.status, 400);
  });

  it('refuses an access token for a portal or app that does not exist', async () => {
    const response = await server.request('POST', '/_admin/v1/access-tokens', {
      body: { portalId: 999999999, appId: server.appId },
      token: admin,
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].in, 'portalId');
    const missing = await server.request('POST', '/_admin/v1/access-tokens', {
      body: { scopes: 'timeline' },
      token: admin,
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json.errors.map((e: { in: string }) => e.in).sort(), [
      'appId',
      'portalId',
      'scopes',
    ]);
  });

  it('refuses an app id that another developer account owns', async () => {
    const response = await server.request('POST', '/_admin/v1/developer-accounts', {
      body: { apiKey: 'intruder', appId: server.appId },
      token: admin,
    });
    assert.equal(response.status, 403);
  });
});
