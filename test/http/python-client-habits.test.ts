/**
 * HubSpot's Python client (`hubspot-api-client`, which cannot be installed here) on the wire: it
 * capitalises booleans in query strings (`detail=True`, `archived=False`), sends only the fields it
 * was given, and its `events_api.create_batch` reads no particular body from the answer. Raw HTTP
 * with exactly those habits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;
const [V3] = PREFIXES;
/** What the Python client's REST layer sends besides the body. */
const PYTHON_HEADERS = { accept: 'application/json', 'user-agent': 'OpenAPI-Generator/12.0.0/python' };

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server, {
    name: 'Python',
    headerTemplate: 'Header {{plan}}',
    detailTemplate: 'Detail {{plan}}',
    tokens: [{ name: 'plan', label: 'Plan', type: 'string' }],
  });
  const created = await server.request('POST', `${V3}/events`, {
    body: { eventTemplateId: templateId, id: 'py-1', email: 'py@example.com', tokens: { plan: 'pro' } },
    headers: PYTHON_HEADERS,
  });
  assert.equal(created.status, 201, created.text);
});
after(() => server.close());

const render = (query: string) =>
  server.request('GET', `${V3}/events/${templateId}/py-1/render${query}`, { headers: PYTHON_HEADERS });

describe("HubSpot's Python client", () => {
  it('render with detail=True gives the detail and detail=FALSE the header', async () => {
    for (const [query, html] of [
      ['?detail=True', '<p>Detail pro</p>'],
      ['?detail=TRUE', '<p>Detail pro</p>'],
      ['?detail=False', '<p>Header pro</p>'],
      ['?detail=FALSE', '<p>Header pro</p>'],
    ] as const) {
      const response = await render(query);
      assert.equal(response.status, 200, `${query}: ${response.text}`);
      assert.equal(response.text, html, query);
    }
  });

  it('a boolean that is not one is still a 400 naming the parameter', async () => {
    const response = await render('?detail=Yes');
    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].in, 'detail');
  });

  it('create_batch: 201 with a JSON body, whatever the client reads of it', async () => {
    // Only the fields the caller set, as the Python client serialises its models.
    const body = JSON.stringify({
      inputs: [{ eventTemplateId: templateId, email: 'py-batch@example.com', tokens: { plan: 'team' } }],
    });
    const response = await server.request('POST', `${V3}/events/batch/create`, {
      body,
      headers: { ...PYTHON_HEADERS, 'content-type': 'application/json' },
    });
    assert.equal(response.status, 201, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.json.status, 'COMPLETE');
    assert.equal(response.json.results[0].tokens.plan, 'team');
  });

  it('basic_api.get_page sends archived=False and gets the records', async () => {
    const page = await server.request('GET', '/crm/v3/objects/contacts?limit=10&archived=False', {
      headers: PYTHON_HEADERS,
    });
    assert.equal(page.status, 200, page.text);
    assert.ok(page.json.results.length >= 1);
    const archived = await server.request('GET', '/crm/v3/objects/contacts?archived=True', {
      headers: PYTHON_HEADERS,
    });
    assert.equal(archived.status, 200);
    assert.deepEqual(archived.json.results, []);
  });

  it('basic_api.get_by_id with archived=False reads the record', async () => {
    const contact = (await server.request('GET', '/crm/v3/objects/contacts?limit=1')).json.results[0];
    const read = await server.request('GET', `/crm/v3/objects/contacts/${contact.id}?archived=False`, {
      headers: PYTHON_HEADERS,
    });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.id, contact.id);
  });
});
