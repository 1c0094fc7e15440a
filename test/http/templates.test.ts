/** Operations 6 to 10 over raw HTTP, under both prefixes: event templates and their rules. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scopesFor, V3 } from '../../src/domain/api-versions.js';
import { hashSecret } from '../../src/domain/credentials/secrets.js';
import { errorMessage } from '../../src/errors.js';
import { storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplateBody } from '../helpers/webinar-template.js';
import {
  assertError,
  assertInvalid,
  assertJsonAnswer,
  assertMissingScopes,
  assertNoContent,
  assertWireTemplate,
  devRequest,
  ISO_DATE,
  PREFIXES,
  templatesApi,
  templatesPath,
  uniqueNumber,
} from './template-helpers.js';

let test: TestServer;
/** An app of another developer account, with its key. */
let foreignAppId: number;
let foreignKey: string;
/** A second app of the provisioned developer account (for the per-app template limit). */
let secondAppId: number;
/** A token of the provisioned app and portal with scope `timeline` only (no developers-* scope). */
let timelineOnlyToken: string;

before(async () => {
  test = await startTestServer();
  foreignKey = `other-key-${uniqueNumber()}`;
  foreignAppId = uniqueNumber();
  const other = await test.store.ensureDeveloperAccount(hashSecret(foreignKey));
  assert.deepEqual(await test.store.ensureApp({ id: foreignAppId, developerAccountId: other.id }), {
    ok: true,
  });
  const mine = await test.store.findDeveloperAccount(hashSecret(test.apiKey));
  assert.ok(mine);
  secondAppId = uniqueNumber();
  assert.deepEqual(await test.store.ensureApp({ id: secondAppId, developerAccountId: mine.id }), {
    ok: true,
  });
  timelineOnlyToken = `timeline-only-${uniqueNumber()}`;
  await test.store.ensureAccessToken(
    storedToken({
      token: timelineOnlyToken,
      portalId: test.portalId,
      appId: test.appId,
      scopes: ['timeline'],
    }),
  );
});

after(async () => {
  await test?.close();
});

for (const prefix of PREFIXES) {
  describe(`event templates under ${prefix}`, () => {
    const api = () => templatesApi(test, prefix);

    async function create(overrides: Record<string, unknown> = {}) {
      const res = await api().post('', webinarTemplateBody(overrides));
      assert.equal(res.status, 201, res.text);
      return res.json;
    }

    describe('create', () => {
      it('answers 201 with the stored template', async () => {
        const body = webinarTemplateBody();
        const res = await api().post('', body);
        assert.equal(res.status, 201, res.text);
        assertJsonAnswer(res);
        const template = res.json;
        assertWireTemplate(template);
        assert.match(template.id, /^\d+$/);
        assert.equal(template.name, body.name);
        assert.equal(template.objectType, 'contacts');
        assert.equal(template.headerTemplate, body.headerTemplate);
        assert.equal(template.detailTemplate, body.detailTemplate);
        assert.equal(template.createdAt, template.updatedAt);
        assert.ok(Math.abs(Date.parse(template.createdAt) - Date.now()) < 60_000);
        assert.deepEqual(
          template.tokens.map((t: Record<string, unknown>) => [t.name, t.label, t.type, t.options]),
          [
            ['webinarName', 'Webinar name', 'string', []],
            ['webinarId', 'Webinar id', 'string', []],
            ['seats', 'Seats', 'number', []],
            ['registeredOn', 'Registered on', 'date', []],
            [
              'tier',
              'Tier',
              'enumeration',
              [
                { label: 'Free', value: 'free' },
                { label: 'Paid', value: 'paid' },
              ],
            ],
          ],
        );
        assert.equal(template.tokens[0].objectPropertyName, 'last_webinar');
        assert.equal('objectPropertyName' in template.tokens[1], false);
      });

      it('gives each template its own numeric id', async () => {
        const a = await create();
        const b = await create();
        assert.notEqual(a.id, b.id);
      });

      it('defaults objectType to contacts', async () => {
        const body = webinarTemplateBody();
        delete body.objectType;
        const res = await api().post('', body);
        assert.equal(res.status, 201, res.text);
        assert.equal(res.json.objectType, 'contacts');
        assert.equal((await api().get(`/${res.json.id}`)).json.objectType, 'contacts');
      });

      it('returns options [] for a non-enumeration token even when options were sent', async () => {
        const template = await create({
          tokens: [{ name: 'n', label: 'N', type: 'number', options: [{ label: 'x', value: 'x' }] }],
        });
        assert.deepEqual(template.tokens[0].options, []);
      });

      it('accepts a template with an empty token list and no templates', async () => {
        const res = await api().post('', { name: 'Bare', objectType: 'deals', tokens: [] });
        assert.equal(res.status, 201, res.text);
        assert.deepEqual(res.json.tokens, []);
        assert.equal(res.json.objectType, 'deals');
      });

      for (const objectType of ['contacts', 'companies', 'deals', 'tickets', '2-123']) {
        it(`accepts objectType ${objectType}`, async () => {
          const template = await create({ objectType });
          assert.equal(template.objectType, objectType);
          assert.equal((await api().get(`/${template.id}`)).json.objectType, objectType);
        });
      }

      it('accepts token names of letters, digits, ".", "-" and "_"', async () => {
        const template = await create({ tokens: [{ name: 'a.B-9_z', label: 'x', type: 'date' }] });
        assert.equal(template.tokens[0].name, 'a.B-9_z');
      });
    });

    describe('create refuses', () => {
      it('a missing name', async () => {
        const body = webinarTemplateBody();
        delete body.name;
        assertInvalid(await api().post('', body), ['name']);
      });

      // 42 is no longer refused: Jackson reads a number as a string (see 'scalars coerced').
      for (const name of [null, ['x'], { a: 1 }]) {
        it(`a name of the wrong type (${JSON.stringify(name)})`, async () => {
          assertInvalid(await api().post('', webinarTemplateBody({ name })), ['name']);
        });
      }

      for (const objectType of ['contact', 'CONTACTS', 'leads', '2-', '2-abc', '3-123', ' deals', '', 7]) {
        it(`objectType ${JSON.stringify(objectType)}`, async () => {
          assertInvalid(await api().post('', webinarTemplateBody({ objectType })), ['objectType']);
        });
      }

      for (const name of ['pet age', 'pet$', 'café', 'a/b', '']) {
        it(`token name ${JSON.stringify(name)}`, async () => {
          const res = await api().post(
            '',
            webinarTemplateBody({ tokens: [{ name, label: 'x', type: 'string' }] }),
          );
          assertInvalid(res, ['tokens[0].name']);
        });
      }

      it('a token name used twice', async () => {
        const tokens = [
          { name: 'a', label: 'A', type: 'string' },
          { name: 'b', label: 'B', type: 'string' },
          { name: 'a', label: 'A again', type: 'number' },
        ];
        assertInvalid(await api().post('', webinarTemplateBody({ tokens })), ['tokens[2].name']);
      });

      for (const type of ['boolean', 'String', '', 3]) {
        it(`token type ${JSON.stringify(type)}`, async () => {
          const res = await api().post(
            '',
            webinarTemplateBody({ tokens: [{ name: 'a', label: 'A', type }] }),
          );
          assertInvalid(res, ['tokens[0].type']);
        });
      }

      it('a token without label', async () => {
        const res = await api().post('', webinarTemplateBody({ tokens: [{ name: 'a', type: 'string' }] }));
        assertInvalid(res, ['tokens[0].label']);
      });

      it('an enumeration token without options', async () => {
        const tokens = [{ name: 'e', label: 'E', type: 'enumeration' }];
        assertInvalid(await api().post('', webinarTemplateBody({ tokens })), ['tokens[0].options']);
      });

      it('an enumeration token with empty options', async () => {
        const tokens = [{ name: 'e', label: 'E', type: 'enumeration', options: [] }];
        assertInvalid(await api().post('', webinarTemplateBody({ tokens })), ['tokens[0].options']);
      });

      it('an enumeration token with a duplicate option value', async () => {
        const options = [
          { label: 'One', value: '1' },
          { label: 'Two', value: '2' },
          { label: 'Uno', value: '1' },
        ];
        const tokens = [{ name: 'e', label: 'E', type: 'enumeration', options }];
        assertInvalid(await api().post('', webinarTemplateBody({ tokens })), ['tokens[0].options[2].value']);
      });

      for (const field of ['headerTemplate', 'detailTemplate']) {
        for (const source of [
          '{{#each x}} unclosed',
          '{{#foo}}{{/foo}}',
          '{{#if}}x{{/if}}',
          '{{> partial}}',
        ]) {
          it(`a ${field} that does not compile: ${source}`, async () => {
            assertInvalid(await api().post('', webinarTemplateBody({ [field]: source })), [field]);
          });
        }
        // Changed from 12: a number is coerced to a string as Jackson does; an object is not.
        it(`a ${field} that is not a string`, async () => {
          assertInvalid(await api().post('', webinarTemplateBody({ [field]: { text: 'x' } })), [field]);
        });
      }

      it('several bad fields at once, in one 400 listing all of them', async () => {
        const res = await api().post('', {
          name: 'Many problems',
          objectType: 'nope',
          headerTemplate: '{{#each x}}',
          detailTemplate: '{{#foo}}{{/foo}}',
          tokens: [
            { name: 'bad name', label: 'x', type: 'string' },
            { name: 'e', label: 'E', type: 'enumeration', options: [] },
            { name: 'e', label: 'E2', type: 'string' },
          ],
        });
        assertInvalid(res, [
          'objectType',
          'headerTemplate',
          'detailTemplate',
          'tokens[0].name',
          'tokens[1].options',
          'tokens[2].name',
        ]);
        assert.equal(res.json.errors.length, 6);
      });

      it('bad types and bad values together, in one 400 listing all of them', async () => {
        const res = await api().post('', {
          objectType: 'nope',
          headerTemplate: '{{#foo}}{{/foo}}',
          tokens: [
            { name: 'bad name', label: 'x', type: 'string' },
            { name: 'ok', label: 'x', type: 'boolean' },
          ],
        });
        assertInvalid(res, ['name', 'objectType', 'headerTemplate', 'tokens[0].name', 'tokens[1].type']);
      });

      it('and stores nothing when it refuses', async () => {
        const before = (await api().get('')).json.results.length;
        assert.equal((await api().post('', webinarTemplateBody({ objectType: 'nope' }))).status, 400);
        assert.equal((await api().get('')).json.results.length, before);
      });
    });

    describe('list', () => {
      it('answers 200 with every template of the app and no paging', async () => {
        const a = await create({ name: 'List A' });
        const b = await create({ name: 'List B', objectType: 'companies' });
        const res = await api().get('');
        assert.equal(res.status, 200, res.text);
        assertJsonAnswer(res);
        assert.deepEqual(Object.keys(res.json), ['results']);
        for (const template of res.json.results) assertWireTemplate(template);
        const byId = new Map(res.json.results.map((t: { id: string }) => [t.id, t]));
        assert.deepEqual(byId.get(a.id), a);
        assert.deepEqual(byId.get(b.id), b);
      });

      it("holds only this app's templates", async () => {
        const mine = await create({ name: 'Mine' });
        const foreignApi = templatesApi(test, prefix, foreignAppId, foreignKey);
        const theirs = await foreignApi.post('', webinarTemplateBody({ name: 'Theirs' }));
        assert.equal(theirs.status, 201, theirs.text);
        const myIds = (await api().get('')).json.results.map((t: { id: string }) => t.id);
        assert.ok(myIds.includes(mine.id));
        assert.ok(!myIds.includes(theirs.json.id));
        const theirIds = (await foreignApi.get('')).json.results.map((t: { id: string }) => t.id);
        assert.ok(theirIds.includes(theirs.json.id));
        assert.ok(!theirIds.includes(mine.id));
      });
    });

    describe('get', () => {
      it('answers 200 with the template as created', async () => {
        const created = await create();
        const res = await api().get(`/${created.id}`);
        assert.equal(res.status, 200, res.text);
        assertJsonAnswer(res);
        assert.deepEqual(res.json, created);
      });

      for (const id of ['999999999', 'abc', '1.5', '-1']) {
        it(`answers 404 for an unknown id ${id}`, async () => {
          assertError(await api().get(`/${id}`), 'TEMPLATE_NOT_FOUND', {
            message: errorMessage('TEMPLATE_NOT_FOUND', { eventTemplateId: id, appId: test.appId }),
          });
        });
      }

      it('answers 404 for a template of another app', async () => {
        const theirs = await templatesApi(test, prefix, foreignAppId, foreignKey).post(
          '',
          webinarTemplateBody(),
        );
        assert.equal(theirs.status, 201);
        assertError(await api().get(`/${theirs.json.id}`), 'TEMPLATE_NOT_FOUND');
        assertError(
          await api().put(`/${theirs.json.id}`, { id: theirs.json.id, name: 'Stolen', tokens: [] }),
          'TEMPLATE_NOT_FOUND',
        );
        assertError(await api().delete(`/${theirs.json.id}`), 'TEMPLATE_NOT_FOUND');
        const still = await templatesApi(test, prefix, foreignAppId, foreignKey).get(`/${theirs.json.id}`);
        assert.equal(still.status, 200);
        assert.equal(still.json.name, theirs.json.name);
      });
    });

    describe('update', () => {
      it('answers 200 and replaces name, tokens and templates', async () => {
        const created = await create();
        const body = {
          id: created.id,
          name: 'Renamed',
          objectType: 'contacts',
          headerTemplate: 'New header {{tier}}',
          detailTemplate: 'New detail {{#if score}}{{score}}{{/if}}',
          tokens: [
            {
              name: 'tier',
              label: 'Ticket tier',
              type: 'enumeration',
              options: [{ label: 'VIP', value: 'vip' }],
            },
            { name: 'score', label: 'Score', type: 'number', objectPropertyName: 'score' },
          ],
        };
        const res = await api().put(`/${created.id}`, body);
        assert.equal(res.status, 200, res.text);
        assertJsonAnswer(res);
        const updated = res.json;
        assertWireTemplate(updated);
        assert.equal(updated.id, created.id);
        assert.equal(updated.name, 'Renamed');
        assert.equal(updated.objectType, 'contacts');
        assert.equal(updated.headerTemplate, body.headerTemplate);
        assert.equal(updated.detailTemplate, body.detailTemplate);
        assert.equal(updated.createdAt, created.createdAt);
        assert.ok(updated.updatedAt >= created.updatedAt);
        assert.deepEqual(
          updated.tokens.map((t: Record<string, unknown>) => [t.name, t.label, t.type, t.options]),
          [
            ['tier', 'Ticket tier', 'enumeration', [{ label: 'VIP', value: 'vip' }]],
            ['score', 'Score', 'number', []],
          ],
        );
        assert.equal(updated.tokens[1].objectPropertyName, 'score');
        // A kept token keeps its creation time.
        assert.equal(updated.tokens[0].createdAt, created.tokens[4].createdAt);
        const read = await api().get(`/${created.id}`);
        assert.deepEqual(read.json, updated);
      });

      it('accepts a body without objectType', async () => {
        const created = await create();
        const res = await api().put(`/${created.id}`, { id: created.id, name: 'No type', tokens: [] });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.objectType, 'contacts');
        assert.deepEqual(res.json.tokens, []);
      });

      it('refuses a body id that differs from the path id, naming id', async () => {
        const created = await create();
        const other = await create();
        const res = await api().put(`/${created.id}`, {
          ...webinarTemplateBody({ name: 'X' }),
          id: other.id,
        });
        assertError(res, 'TEMPLATE_ID_MISMATCH', {
          message: errorMessage('TEMPLATE_ID_MISMATCH', { bodyId: other.id, eventTemplateId: created.id }),
          in: ['id'],
        });
        assert.deepEqual((await api().get(`/${created.id}`)).json, created);
        assert.deepEqual((await api().get(`/${other.id}`)).json, other);
      });

      it('refuses an objectType change, naming objectType', async () => {
        const created = await create();
        const res = await api().put(`/${created.id}`, {
          ...webinarTemplateBody({ name: 'X' }),
          id: created.id,
          objectType: 'companies',
        });
        assertError(res, 'OBJECT_TYPE_IMMUTABLE', {
          message: errorMessage('OBJECT_TYPE_IMMUTABLE', { objectType: 'contacts' }),
          in: ['objectType'],
        });
        assert.deepEqual((await api().get(`/${created.id}`)).json, created);
      });

      it("refuses a change of a token's type", async () => {
        const created = await create();
        const tokens = [
          { name: 'webinarName', label: 'Webinar name', type: 'string' },
          { name: 'seats', label: 'Seats', type: 'string' },
        ];
        const res = await api().put(`/${created.id}`, { id: created.id, name: 'X', tokens });
        assertInvalid(res, ['tokens[1].type']);
        assert.deepEqual((await api().get(`/${created.id}`)).json, created);
      });

      it('lists every problem of an update at once', async () => {
        const created = await create();
        const res = await api().put(`/${created.id}`, {
          id: created.id,
          name: 'X',
          objectType: 'deals',
          headerTemplate: '{{#foo}}{{/foo}}',
          tokens: [
            { name: 'seats', label: 'Seats', type: 'date' },
            { name: 'bad name', label: 'x', type: 'string' },
          ],
        });
        assertError(res, 'INVALID_INPUT', {
          in: ['objectType', 'headerTemplate', 'tokens[0].type', 'tokens[1].name'],
        });
        assert.deepEqual((await api().get(`/${created.id}`)).json, created);
      });

      it('applies the create rules', async () => {
        const created = await create();
        const res = await api().put(`/${created.id}`, {
          id: created.id,
          detailTemplate: '{{#each x}}',
          tokens: [{ name: 'e', label: 'E', type: 'enumeration', options: [] }],
        });
        assertInvalid(res, ['name', 'detailTemplate', 'tokens[0].options']);
        assert.deepEqual((await api().get(`/${created.id}`)).json, created);
      });

      it('refuses a bad body with 400 even when the template does not exist', async () => {
        const res = await api().put('/999999999', {
          id: '999999999',
          name: 'X',
          tokens: [],
          objectType: 'nope',
        });
        assertInvalid(res, ['objectType']);
      });

      it('answers 404 for an unknown template', async () => {
        const res = await api().put('/999999999', { id: '999999999', name: 'X', tokens: [] });
        assertError(res, 'TEMPLATE_NOT_FOUND', {
          message: errorMessage('TEMPLATE_NOT_FOUND', { eventTemplateId: '999999999', appId: test.appId }),
        });
      });
    });

    describe('archive', () => {
      it('answers 204 with an empty body, then the template is gone', async () => {
        const created = await create();
        assertNoContent(await api().delete(`/${created.id}`));
        assertError(await api().get(`/${created.id}`), 'TEMPLATE_NOT_FOUND');
        const ids = (await api().get('')).json.results.map((t: { id: string }) => t.id);
        assert.ok(!ids.includes(created.id));
        assertError(await api().delete(`/${created.id}`), 'TEMPLATE_NOT_FOUND');
      });

      it('answers 404 for an unknown template', async () => {
        assertError(await api().delete('/999999999'), 'TEMPLATE_NOT_FOUND', {
          message: errorMessage('TEMPLATE_NOT_FOUND', { eventTemplateId: '999999999', appId: test.appId }),
        });
      });
    });

    describe('developer API key', () => {
      /** One request per operation 6 to 13; `rest` follows `/event-templates`. */
      const operations: [string, string, unknown?][] = [
        ['GET', ''],
        ['POST', '', webinarTemplateBody()],
        ['GET', '/1'],
        ['PUT', '/1', { id: '1', name: 'X', tokens: [] }],
        ['DELETE', '/1'],
        ['POST', '/1/tokens', { name: 'a', label: 'A', type: 'string' }],
        ['PUT', '/1/tokens/a', { label: 'A' }],
        ['DELETE', '/1/tokens/a'],
      ];

      for (const [method, rest, body] of operations) {
        const label = `${method} /{appId}/event-templates${rest}`;

        it(`${label}: a missing hapikey is 401`, async () => {
          const res = await devRequest(test, method, templatesPath(prefix, test.appId, rest), body);
          assertError(res, 'MISSING_CREDENTIALS', { message: errorMessage('MISSING_CREDENTIALS') });
        });

        // Changed from 401: HubSpot's current spec takes a Bearer token with a developers-* scope,
        // so a token without one is a 403 naming the scope.
        it(`${label}: an access token without a developers scope is 403 MISSING_SCOPES`, async () => {
          const res = await test.request(method, templatesPath(prefix, test.appId, rest), {
            body,
            token: timelineOnlyToken,
          });
          // HubSpot lists every scope of the operation's alternatives.
          assertMissingScopes(res, [
            ...scopesFor(V3, method === 'GET' ? 'templates.read' : 'templates.write'),
          ]);
        });

        it(`${label}: an unknown hapikey is 401`, async () => {
          const path = templatesPath(prefix, test.appId, rest, 'no-such-key');
          assertError(await devRequest(test, method, path, body), 'INVALID_API_KEY', {
            message: errorMessage('INVALID_API_KEY'),
          });
        });

        it(`${label}: an app of another account is 403`, async () => {
          const path = templatesPath(prefix, foreignAppId, rest, test.apiKey);
          assertError(await devRequest(test, method, path, body), 'APP_NOT_OWNED', {
            message: errorMessage('APP_NOT_OWNED', { appId: foreignAppId }),
          });
        });

        it(`${label}: another account's key on our app is 403`, async () => {
          const path = templatesPath(prefix, test.appId, rest, foreignKey);
          assertError(await devRequest(test, method, path, body), 'APP_NOT_OWNED');
        });
      }

      for (const appId of ['abc', '12x', '1e3', '999999999999999999999', 'NaN']) {
        it(`a non-numeric or out-of-range appId ${appId} is a 400 naming appId`, async () => {
          const res = await devRequest(test, 'GET', templatesPath(prefix, appId, '', test.apiKey));
          assertInvalid(res, ['appId']);
          assert.equal(res.json.message, `Invalid input: appId must be a whole number, got '${appId}'`);
          assert.doesNotMatch(res.text, /NaN(?!')/);
        });
      }

      it('a non-numeric appId with a wrong key is still 401: credentials first', async () => {
        const res = await devRequest(test, 'GET', templatesPath(prefix, 'abc', '', 'no-such-key'));
        assertError(res, 'INVALID_API_KEY', { message: "This hapikey doesn't exist." });
      });

      it('a hapikey given more than once is 401, not a server error', async () => {
        for (const second of [test.apiKey, 'other']) {
          const path = `${templatesPath(prefix, test.appId, '', test.apiKey)}&hapikey=${second}`;
          assertError(await devRequest(test, 'GET', path), 'INVALID_API_KEY');
        }
      });

      it('an app id nobody owns is 403', async () => {
        const res = await devRequest(test, 'GET', templatesPath(prefix, uniqueNumber(), '', test.apiKey));
        assertError(res, 'APP_NOT_OWNED');
      });

      it('a refused request changes nothing', async () => {
        const created = await create();
        const path = templatesPath(prefix, test.appId, `/${created.id}`, 'no-such-key');
        assert.equal((await devRequest(test, 'DELETE', path)).status, 401);
        const foreign = templatesPath(prefix, test.appId, `/${created.id}`, foreignKey);
        const change = { id: created.id, name: 'X', tokens: [] };
        assert.equal((await devRequest(test, 'PUT', foreign, change)).status, 403);
        assert.deepEqual((await api().get(`/${created.id}`)).json, created);
      });
    });
  });
}

describe('the limit of 750 templates per app', () => {
  it('refuses the 751st template of an app, under either prefix', async () => {
    const api = templatesApi(test, PREFIXES[0], secondAppId);
    for (let start = 0; start < 750; start += 50) {
      const batch = Array.from({ length: 50 }, (_, i) => api.post('', { name: `T${start + i}`, tokens: [] }));
      for (const res of await Promise.all(batch)) assert.equal(res.status, 201, res.text);
    }
    assert.equal((await api.get('')).json.results.length, 750);
    for (const prefix of PREFIXES) {
      const res = await templatesApi(test, prefix, secondAppId).post('', {
        name: 'One too many',
        tokens: [],
      });
      assertError(res, 'TEMPLATE_LIMIT_REACHED', {
        message: errorMessage('TEMPLATE_LIMIT_REACHED', { appId: secondAppId, limit: 750 }),
      });
    }
    assert.equal((await api.get('')).json.results.length, 750);
    // The limit is per app: the provisioned app still takes templates.
    assert.equal((await templatesApi(test, PREFIXES[0]).post('', { name: 'Fine', tokens: [] })).status, 201);
    // Archiving one makes room again.
    const first = (await api.get('')).json.results[0];
    assert.equal((await api.delete(`/${first.id}`)).status, 204);
    const res = await api.post('', { name: 'Room again', tokens: [] });
    assert.equal(res.status, 201, res.text);
    assert.match(res.json.createdAt, ISO_DATE);
  });
});
