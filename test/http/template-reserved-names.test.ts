/**
 * What a template's context holds besides its tokens, and the names that would hide a token: HubSpot's
 * docs show `{{id}}` and `{{objectType}}` rendering in a header, and `timestamp` and `extraData` as
 * the event's; a token (or an app event property) of one of those names, or of `log` and `lookup`
 * (names HubSpot reserves), would never render, so it is refused when the template is saved.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const templates = () => `${PREFIXES[0]}/${server.appId}/event-templates?hapikey=${server.apiKey}`;

describe('template context and reserved names', () => {
  it("{{id}} and {{objectType}} render the event's own id and object type", async () => {
    const templateId = await createTemplate(server, {
      name: 'Ids',
      objectType: 'contacts',
      headerTemplate: 'Event {{id}} on {{objectType}}',
      tokens: [],
    });
    const sent = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: { eventTemplateId: templateId, id: 'shown-id', email: 'ids@example.com', tokens: {} },
    });
    assert.equal(sent.status, 201, sent.text);
    const html = await server.request('GET', `${PREFIXES[0]}/events/${templateId}/shown-id/render`);
    assert.equal(html.text.trim(), '<p>Event shown-id on contacts</p>');
  });

  it('a token named as the context does, or as HubSpot reserves, is refused with the reason', async () => {
    for (const name of ['timestamp', 'extraData', 'id', 'objectType', 'log', 'lookup']) {
      const refused = await server.request('POST', templates(), {
        token: false,
        body: { name: `Bad ${name}`, objectType: 'contacts', tokens: [{ name, label: 'L', type: 'string' }] },
      });
      assert.equal(refused.status, 400, `${name}: ${refused.text}`);
      assert.equal(refused.json.errors[0].in, 'tokens[0].name');
      assert.match(refused.json.errors[0].message, /reserved/);
    }
    const ok = await server.request('POST', templates(), {
      token: false,
      body: {
        name: 'Fine',
        objectType: 'contacts',
        tokens: [{ name: 'eventId', label: 'L', type: 'string' }],
      },
    });
    assert.equal(ok.status, 201, ok.text);
  });

  it('an app event type property of such a name is refused too', async () => {
    const base = hsmeta();
    const refused = await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
      token: server.credentials.adminToken,
      body: hsmeta(
        { uid: 'reserved_props' },
        {
          properties: [
            ...(base.config.properties as object[]),
            { name: 'extraData', label: 'X', type: 'string' },
          ],
        },
      ),
    });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.text, /reserved/);
  });
});
