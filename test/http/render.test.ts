/** Operations 4 and 5: rendering stored events through HTTP, as templates change. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;
const template = {
  name: 'Order',
  headerTemplate: 'Ordered **{{product}}** ({{#if gift}}gift{{else}}self{{/if}})',
  detailTemplate:
    'At {{#formatDate timestamp format="short"}}{{/formatDate}}\n\nNote: {{extraData.note}}{{extraData.missing}}',
  tokens: [
    { name: 'product', label: 'Product', type: 'string' },
    { name: 'gift', label: 'Gift', type: 'string' },
  ],
};

before(async () => {
  server = await startTestServer({ timeZone: 'Asia/Kolkata' });
  templateId = await createTemplate(server, template);
  const created = await server.request('POST', `${PREFIXES[0]}/events`, {
    body: {
      eventTemplateId: templateId,
      id: 'order-1',
      email: 'render@example.com',
      tokens: { product: '<b>Lamp</b>', gift: 'yes' },
      timestamp: '2020-01-30T18:13:25Z',
      extraData: { note: 'fragile & "heavy"' },
    },
  });
  assert.equal(created.status, 201, created.text);
});
after(() => server.close());

const render = (query = '', prefix: string = PREFIXES[0]) =>
  server.request('GET', `${prefix}/events/${templateId}/order-1/render${query}`);
const templatePath = () =>
  `${PREFIXES[0]}/${server.appId}/event-templates/${templateId}?hapikey=${server.apiKey}`;

describe('render and detail', () => {
  for (const prefix of PREFIXES) {
    it(`renders the header as text/html, values escaped, under ${prefix}`, async () => {
      const response = await render('', prefix);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.text, '<p>Ordered <strong>&lt;b&gt;Lamp&lt;/b&gt;</strong> (gift)</p>');
    });
  }

  it('renders the detail with detail=true, in the portal time zone, missing keys empty', async () => {
    const response = await render('?detail=true');
    assert.equal(response.text, '<p>At 1/30/20, 11:43 PM</p><p>Note: fragile &amp; &quot;heavy&quot;</p>');
    const detail = await server.request('GET', `${PREFIXES[1]}/events/${templateId}/order-1/detail`);
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.json, { details: response.text });
  });

  it('answers 400 for a detail flag that is not true or false, and 404 for an unknown event', async () => {
    assert.equal((await render('?detail=yes')).status, 400);
    const missing = await server.request('GET', `${PREFIXES[0]}/events/${templateId}/nope/render`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/json/);
  });

  it('renders existing events with the updated template', async () => {
    const updated = await server.request('PUT', templatePath(), {
      token: false,
      body: { ...template, id: templateId, headerTemplate: 'Bought {{product}}' },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.equal((await render()).text, '<p>Bought &lt;b&gt;Lamp&lt;/b&gt;</p>');
  });

  it('still renders a token removed from the template for old events that carry it', async () => {
    const removed = await server.request(
      'DELETE',
      `${PREFIXES[0]}/${server.appId}/event-templates/${templateId}/tokens/product?hapikey=${server.apiKey}`,
      { token: false },
    );
    assert.equal(removed.status, 204);
    assert.equal((await render()).text, '<p>Bought &lt;b&gt;Lamp&lt;/b&gt;</p>');
  });

  it('renders an empty template as an empty answer', async () => {
    const updated = await server.request('PUT', templatePath(), {
      token: false,
      body: { name: 'Order', id: templateId, tokens: template.tokens.slice(1) },
    });
    assert.equal(updated.status, 200, updated.text);
    const response = await render();
    assert.equal(response.status, 200);
    assert.equal(response.text, '');
  });
});
