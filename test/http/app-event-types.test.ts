/** App event types over HTTP: admin create/replace/list, the rules, types/projects. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ adminToken: 'admin-secret' });
});
after(() => server.close());

const admin = { token: 'admin-secret' };
const typesPath = () => `/_admin/v1/apps/${server.appId}/app-event-types`;

describe('POST and GET /_admin/v1/apps/{appId}/app-event-types', () => {
  test('creates (201), replaces by uid (200), and lists with the fully qualified name', async () => {
    const created = await server.request('POST', typesPath(), { ...admin, body: hsmeta({ uid: 'listed' }) });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.fullyQualifiedName, `ae${server.appId}_listed`);
    assert.equal(created.json.config.objectType, 'CONTACT');
    assert.equal(created.json.config.properties.length, 5);
    const replaced = await server.request('POST', typesPath(), {
      ...admin,
      body: hsmeta({ uid: 'listed' }, { name: 'Renamed', objectType: 'deal', properties: [] }),
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.json.eventTemplateId, created.json.eventTemplateId);
    assert.equal(replaced.json.config.objectType, 'DEAL');
    const list = await server.request('GET', typesPath(), admin);
    const found = list.json.results.find((t: { uid: string }) => t.uid === 'listed');
    assert.equal(found.config.name, 'Renamed');
    assert.equal(found.fullyQualifiedName, `ae${server.appId}_listed`);
  });

  test('every rule of the hsmeta file is checked, each problem naming the file, the field and the limit', async () => {
    const properties = Array.from({ length: 501 }, (_, i) => ({ name: `p${i}`, label: 'P', type: 'string' }));
    const bad = await server.request('POST', typesPath(), {
      ...admin,
      body: {
        uid: 'bad uid!',
        type: 'module',
        config: {
          name: 'x'.repeat(51),
          objectType: 'LEAD',
          headerTemplate: 'h'.repeat(1001),
          detailTemplate: '{{#if}}',
          properties,
        },
      },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.category, 'VALIDATION_ERROR');
    const byField = Object.fromEntries(
      bad.json.errors.map((e: { in: string; message: string }) => [e.in, e.message]),
    );
    assert.match(byField.uid, /^request body: uid may only hold/);
    assert.match(byField.type, /must be 'app-event'/);
    assert.match(byField['config.name'], /51 characters; the limit is 50/);
    assert.match(byField['config.objectType'], /must be one of CONTACT, COMPANY, DEAL, TICKET, APP_OBJECT/);
    assert.match(byField['config.headerTemplate'], /1001 characters; the limit is 1000/);
    assert.match(byField['config.detailTemplate'], /not a valid template/);
    assert.match(byField['config.properties'], /501 properties; the limit is 500/);
    for (const e of bad.json.errors) assert.deepEqual(e.context, { file: ['request body'] });

    const props = await server.request('POST', typesPath(), {
      ...admin,
      body: hsmeta(
        {},
        {
          properties: [
            { name: 'a', label: 'A', type: 'enumeration' },
            { name: 'b b', type: 'colour' },
            { name: 'a', label: 'A again', type: 'string' },
          ],
        },
      ),
    });
    assert.equal(props.status, 400, props.text);
    const fields = props.json.errors.map((e: { in: string }) => e.in);
    assert.deepEqual(fields.sort(), [
      'config.properties[0].options',
      'config.properties[1].label',
      'config.properties[1].name',
      'config.properties[1].type',
      'config.properties[2].name',
    ]);
    // Found by the fuzzer (seed 900038170): options that are not a list answered 500.
    for (const options of [0, null, 'free', { value: 'x' }]) {
      const odd = await server.request('POST', typesPath(), {
        ...admin,
        body: hsmeta({}, { properties: [{ name: 'tier', label: 'Tier', type: 'enumeration', options }] }),
      });
      assert.equal(odd.status, 400, `options ${JSON.stringify(options)}: ${odd.text}`);
      assert.deepEqual(
        odd.json.errors.map((e: { in: string }) => e.in),
        ['config.properties[0].options'],
      );
    }
    const missing = await server.request('POST', typesPath(), { ...admin, body: { config: {} } });
    assert.deepEqual(
      missing.json.errors.map((e: { in: string }) => e.in),
      ['uid', 'type', 'config.name', 'config.objectType'],
    );
  });

  test('name and objectType are immutable once the type has occurrences; the rest may change', async () => {
    await server.request('POST', typesPath(), { ...admin, body: hsmeta({ uid: 'fixed' }) });
    const sent = await server.request('POST', '/integrators/timeline/v4/events', {
      body: { eventTypeName: 'fixed', id: 'o-1', email: 'fixed@example.com', properties: {} },
    });
    assert.equal(sent.status, 200, sent.text);
    const renamed = await server.request('POST', typesPath(), {
      ...admin,
      body: hsmeta({ uid: 'fixed' }, { name: 'Other', objectType: 'COMPANY' }),
    });
    assert.equal(renamed.status, 400, renamed.text);
    assert.match(renamed.json.message, /has occurrences: its name and objectType cannot change/);
    const relabeled = await server.request('POST', typesPath(), {
      ...admin,
      body: hsmeta({ uid: 'fixed' }, { headerTemplate: 'New header' }),
    });
    assert.equal(relabeled.status, 200, relabeled.text);
  });

  test('the v3 template routes do not see app event types', async () => {
    const created = await server.request('POST', typesPath(), { ...admin, body: hsmeta({ uid: 'hidden' }) });
    const id = created.json.eventTemplateId;
    const key = `?hapikey=${server.apiKey}`;
    const list = await server.request(
      'GET',
      `/integrators/timeline/v3/${server.appId}/event-templates${key}`,
    );
    assert.ok(!list.json.results.some((t: { id: string }) => t.id === id));
    const one = await server.request(
      'GET',
      `/integrators/timeline/v3/${server.appId}/event-templates/${id}${key}`,
    );
    assert.equal(one.status, 404);
    const v3 = await server.request('POST', '/integrators/timeline/v3/events', {
      body: { eventTemplateId: id, email: 'x@example.com', tokens: {} },
    });
    assert.equal(v3.status, 400);
  });

  test('an unknown app and the admin token are checked', async () => {
    assert.equal((await server.request('GET', '/_admin/v1/apps/123/app-event-types', admin)).status, 400);
    assert.equal((await server.request('GET', typesPath())).status, 401);
  });
});

describe('POST /integrators/timeline/{version}/types/projects', () => {
  test('answers the fully qualified name of the uid given as developerSymbol', async () => {
    await server.request('POST', typesPath(), { ...admin, body: hsmeta({ uid: 'projected' }) });
    for (const version of ['v4', '2026-03', '2026-09']) {
      const found = await server.request('POST', `/integrators/timeline/${version}/types/projects`, {
        body: { developerSymbol: 'projected', projectName: 'my-project' },
      });
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.json, {
        developerQualifiedSymbol: { developerSymbol: 'projected', projectName: 'my-project' },
        fullyQualifiedName: `ae${server.appId}_projected`,
      });
    }
    const missing = await server.request('POST', '/integrators/timeline/v4/types/projects', {
      body: { developerSymbol: 'nope', projectName: 'my-project' },
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'There is no App Event Type for the provided coordinates');
    const bad = await server.request('POST', '/integrators/timeline/v4/types/projects', { body: {} });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json.errors.map((e: { in: string }) => e.in),
      ['developerSymbol', 'projectName'],
    );
  });

  test('needs the developers-read scope', async () => {
    const token = await server.request('POST', '/_admin/v1/access-tokens', {
      ...admin,
      body: { portalId: server.portalId, appId: server.appId, scopes: ['timeline'] },
    });
    const refused = await server.request('POST', '/integrators/timeline/v4/types/projects', {
      token: token.json.token,
      body: { developerSymbol: 'projected', projectName: 'p' },
    });
    assert.equal(refused.status, 403);
  });
});
