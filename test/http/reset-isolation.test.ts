/**
 * A reset removes what it removes from everywhere, and nothing else: the rendered HTML of removed
 * events is never shown again (an event sent again under the same id renders its new content on
 * every read path), and the start credentials keep working while resets run (one transaction
 * keeps them; readers never find them missing).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';
import { PREFIXES } from './template-helpers.js';

let server: TestServer;
let admin: string;
before(async () => {
  server = await startTestServer();
  admin = server.credentials.adminToken;
});
after(() => server.close());

async function sendPlan(templateId: string, plan: string): Promise<string> {
  const sent = await server.request('POST', `${PREFIXES[0]}/events`, {
    body: { eventTemplateId: templateId, id: 'same-id', email: 'reset@example.com', tokens: { plan } },
  });
  assert.equal(sent.status, 201, sent.text);
  return sent.json.objectId;
}

describe('reset', () => {
  it('an event removed by a portal reset and sent again renders its new content everywhere', async () => {
    const template = await server.client.crm.timeline.templatesApi.create(server.appId, {
      name: 'Plan',
      objectType: 'contacts',
      headerTemplate: 'Plan {{plan}}',
      detailTemplate: 'Detail {{plan}}',
      tokens: [{ name: 'plan', label: 'Plan', type: 'string' as never }],
    });
    const reads = async (objectId: string) => {
      const render = await server.request('GET', `${PREFIXES[0]}/events/${template.id}/same-id/render`);
      const detail = await server.request('GET', `${PREFIXES[0]}/events/${template.id}/same-id/detail`);
      const timeline = await server.request(
        'GET',
        `/_timeline/v1/objects/contacts/${objectId}/events?render=detail`,
      );
      const browser = new TestBrowser(server.url);
      await browser.signIn(server.accessToken);
      const page = await browser.get(`/ui/records/contacts/${objectId}`);
      return [render.text, detail.text, timeline.text, page.text];
    };
    const first = await reads(await sendPlan(template.id, 'OLD-VALUE'));
    for (const text of first) assert.match(text, /OLD-VALUE/);
    const reset = await server.request('POST', '/_admin/v1/reset', {
      token: admin,
      body: { portalId: server.portalId },
    });
    assert.equal(reset.status, 200, reset.text);
    const again = await reads(await sendPlan(template.id, 'NEW-VALUE'));
    for (const text of again) {
      assert.doesNotMatch(text, /OLD-VALUE/);
      assert.match(text, /NEW-VALUE/);
    }
  });

  it('the start credentials never stop working while resets run', async () => {
    let stop = false;
    const refused: string[] = [];
    const reader = async (read: () => Promise<{ status: number; text: string }>, what: string) => {
      while (!stop) {
        const res = await read();
        if (res.status === 401 || res.status === 403) refused.push(`${what}: ${res.status} ${res.text}`);
      }
    };
    const readers = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? reader(() => server.request('GET', '/crm/v3/objects/contacts?limit=1'), 'Bearer')
        : reader(
            () =>
              server.request(
                'GET',
                `${PREFIXES[0]}/${server.appId}/event-templates?hapikey=${server.apiKey}`,
                {
                  token: false,
                },
              ),
            'hapikey',
          ),
    );
    for (let i = 0; i < 20; i++) {
      const body = i % 2 === 0 ? {} : { portalId: server.portalId };
      assert.equal((await server.request('POST', '/_admin/v1/reset', { token: admin, body })).status, 200);
    }
    stop = true;
    await Promise.all(readers);
    assert.deepEqual(refused.slice(0, 5), []);
  });

  it('an app event type removed by a full reset takes no occurrence afterwards, even one read just before', async () => {
    const created = await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
      token: admin,
      body: hsmeta({ uid: 'reset_probe' }),
    });
    assert.equal(created.status, 201, created.text);
    const send = () =>
      server.request('POST', '/integrators/timeline/v4/events', {
        body: {
          eventTypeName: 'reset_probe',
          id: `probe-${Math.random()}`,
          email: 'probe@example.com',
          properties: { courseName: 'Algebra' },
        },
      });
    const before = await send();
    assert.equal(before.status, 200, before.text);
    assert.equal((await server.request('POST', '/_admin/v1/reset', { token: admin, body: {} })).status, 200);
    const after = await send();
    assert.equal(after.status, 400, after.text);
    assert.equal(after.json.errors[0].in, 'eventTypeName');
    const types = await server.request('GET', `/_admin/v1/apps/${server.appId}/app-event-types`, {
      token: admin,
    });
    assert.deepEqual(types.json.results, []);
  });
});
