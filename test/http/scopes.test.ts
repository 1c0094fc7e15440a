/**
 * Every scope of the API version table opens its operation, on every version; a token with none of
 * them gets HubSpot's 403 listing them all. The table (src/domain/api-versions.ts) follows the newest
 * version of each of HubSpot's spec files, so this is the spec's `security` lists, operation by
 * operation, checked over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_VERSIONS, type ApiVersion, type Operation } from '../../src/domain/api-versions.js';
import { createTemplate, storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestResponse, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';
import { assertMissingScopes } from './template-helpers.js';

let server: TestServer;
let templateId: string;
let tokenCount = 0;
before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server);
  await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: server.credentials.adminToken,
    body: hsmeta(),
  });
  const sent = await server.request('POST', '/integrators/timeline/v3/events', {
    body: { eventTemplateId: templateId, id: 'scoped', email: 'scoped@example.com', tokens: {} },
  });
  assert.equal(sent.status, 201, sent.text);
});
after(() => server.close());

/** A token of the provisioned portal and app holding only `scopes`. */
async function tokenWith(scopes: string[]): Promise<string> {
  const token = `scope-token-${++tokenCount}`;
  await server.store.ensureAccessToken(
    storedToken({ token, kind: 'app', portalId: server.portalId, appId: server.appId, scopes }),
  );
  return token;
}

/** One call of the operation under the version's first prefix. */
function call(version: ApiVersion, operation: Operation, token: string): Promise<TestResponse> {
  const prefix = version.prefixes[0] as string;
  switch (operation) {
    case 'events.write':
      return version.kind === 'timeline-v3'
        ? server.request('POST', `${prefix}/events`, {
            token,
            body: { eventTemplateId: templateId, email: 'w@example.com', tokens: {} },
          })
        : server.request('POST', `${prefix}/events`, {
            token,
            body: {
              eventTypeName: 'course_enrollment',
              id: `o-${token}`,
              email: 'w@example.com',
              properties: {},
            },
          });
    case 'events.read':
      return server.request('GET', `${prefix}/events/${templateId}/scoped`, { token });
    case 'templates.read':
      return server.request('GET', `${prefix}/${server.appId}/event-templates`, { token });
    case 'templates.write':
      return server.request('POST', `${prefix}/${server.appId}/event-templates`, {
        token,
        body: { name: `By ${token}`, objectType: 'contacts', tokens: [] },
      });
    case 'types.read':
      return server.request('POST', `${prefix}/types/projects`, {
        token,
        body: { developerSymbol: 'course_enrollment', projectName: 'p' },
      });
  }
}

for (const version of API_VERSIONS) {
  describe(`scopes of ${version.name}`, () => {
    for (const [operation, scopes] of Object.entries(version.scopes) as [Operation, string[]][]) {
      it(`${operation}: each of its ${scopes.length} scopes alone is enough; none of them is a 403 listing them`, async () => {
        for (const scope of scopes) {
          const res = await call(version, operation, await tokenWith([scope]));
          assert.ok(res.status < 300 || res.status === 404, `${scope}: ${res.status} ${res.text}`);
        }
        const refused = await call(version, operation, await tokenWith(['oauth', 'crm.objects.custom.read']));
        assertMissingScopes(refused, scopes);
      });
    }
  });
}
