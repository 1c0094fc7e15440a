/**
 * Attacks by racing requests: one authorization code exchanged by many requests at once (one
 * token, never two), a revoked access token raced by the requests that use it (refused from the
 * revocation's answer on), and an app's token reading a record's timeline while another app of the
 * portal writes to it (never one of the other app's events, on any page).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';
import { ADMIN, authorizeCode, CLIENT, codeGrant, oauthPost, startOAuthServer } from './oauth-helpers.js';

let server: TestServer;
before(async () => {
  server = await startOAuthServer({ now: () => Date.parse('2026-09-01T12:00:00Z') });
});
after(() => server.close());

describe('racing OAuth', () => {
  it('one code exchanged by 20 requests at once: exactly one gets tokens', async () => {
    for (const version of ['v1', 'v3', '2026-09']) {
      const code = await authorizeCode(server);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => oauthPost(server, `/oauth/${version}/token`, codeGrant(code))),
      );
      const granted = answers.filter((res) => res.status === 200);
      assert.equal(granted.length, 1, `${version}: ${answers.map((res) => res.status).join(',')}`);
      for (const res of answers) if (res.status !== 200) assert.equal(res.status, 400, res.text);
    }
  });

  it('a revoked access token is refused by every request sent after the revocation answered', async () => {
    const issued = await oauthPost(server, '/oauth/v3/token', codeGrant(await authorizeCode(server)));
    const token: string = issued.json.access_token;
    const use = () => server.request('GET', '/crm/v3/objects/contacts?limit=1', { token });
    const during = Promise.all(Array.from({ length: 20 }, use));
    const revoked = await oauthPost(server, '/oauth/v3/token/revoke', { token, ...CLIENT });
    assert.equal(revoked.status, 200, revoked.text);
    for (const res of await during) assert.ok(res.status === 200 || res.status === 401, res.text);
    const afterwards = await Promise.all(Array.from({ length: 10 }, use));
    assert.deepEqual(
      afterwards.map((res) => res.status),
      Array(10).fill(401),
    );
  });
});

describe('reading while another app writes', () => {
  it("an app's token never sees the other app's events, whatever is written meanwhile", async () => {
    const cAppId = Number(`7${server.appId}`);
    const cKey = `race-c-key-${server.portalId}`;
    const admin = (path: string, body: unknown) => server.request('POST', path, { token: ADMIN, body });
    assert.equal((await admin('/_admin/v1/developer-accounts', { apiKey: cKey, appId: cAppId })).status, 201);
    const tokenFor = async (appId: number) =>
      (await admin('/_admin/v1/access-tokens', { portalId: server.portalId, appId })).json.token as string;
    const [cToken, aToken] = [await tokenFor(cAppId), await tokenFor(server.appId)];
    const templateOf = async (appId: number, key: string, name: string) =>
      (
        await server.request('POST', `/integrators/timeline/v3/${appId}/event-templates?hapikey=${key}`, {
          token: false,
          body: { ...webinarTemplate, name },
        })
      ).json.id as string;
    const cTemplate = await templateOf(cAppId, cKey, 'C race template');
    const aTemplate = await templateOf(server.appId, server.apiKey, 'A race template');
    const contact = await server.request('POST', '/crm/v3/objects/contacts', {
      body: { properties: { email: 'race@example.com' } },
    });
    const objectId: string = contact.json.id;
    const send = (token: string, eventTemplateId: string, id: string) =>
      server.request('POST', '/integrators/timeline/v3/events/batch/create', {
        token,
        body: {
          inputs: Array.from({ length: 50 }, (_, i) => ({
            eventTemplateId,
            id: `${id}-${i}`,
            objectId,
            tokens: { webinarName: id.startsWith('c') ? 'C race value' : 'A race value' },
          })),
        },
      });
    const writes = Promise.all([
      ...Array.from({ length: 8 }, (_, i) => send(cToken, cTemplate, `c-race-${i}`)),
      ...Array.from({ length: 2 }, (_, i) => send(aToken, aTemplate, `a-race-${i}`)),
    ]);
    const reads: string[] = [];
    let writing = true;
    const done = writes.finally(() => {
      writing = false;
    });
    while (writing) {
      const page = await server.request(
        'GET',
        `/_timeline/v1/objects/contacts/${objectId}/events?limit=100`,
        {
          token: aToken,
        },
      );
      assert.ok(page.status === 200 || page.status === 404, page.text);
      reads.push(page.text);
    }
    for (const res of await done) assert.equal(res.status, 201, res.text);
    const last = await server.request('GET', `/_timeline/v1/objects/contacts/${objectId}/events?limit=100`, {
      token: aToken,
    });
    assert.equal(last.json.results.length, 100);
    for (const text of [...reads, last.text]) {
      assert.ok(!text.includes('C race value') && !text.includes('c-race-'), text.slice(0, 200));
      assert.ok(!text.includes(cTemplate), "names C's template");
    }
  });
});
