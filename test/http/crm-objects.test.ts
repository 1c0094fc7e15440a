/** The minimal CRM objects API events attach to, over raw HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessage } from '../../src/errors.js';
import { storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertMissingScopes } from './template-helpers.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const create = (type: string, properties: Record<string, unknown>) =>
  server.request('POST', `/crm/v3/objects/${type}`, { body: { properties } });

describe('CRM objects', () => {
  it('creates with 201 in HubSpot shape, numbers stored as strings', async () => {
    const response = await create('deals', { dealname: 'Big', amount: 1200 });
    assert.equal(response.status, 201, response.text);
    assert.match(response.json.id, /^\d+$/);
    assert.equal(response.json.archived, false);
    assert.equal(response.json.properties.amount, '1200');
    assert.equal(response.json.properties.hs_object_id, response.json.id);
    assert.ok(response.json.properties.createdate);
  });

  it('reads default properties, or the named ones with null for missing', async () => {
    const made = await create('contacts', { email: 'props@example.com', firstname: 'Pat' });
    const defaults = await server.request('GET', `/crm/v3/objects/contacts/${made.json.id}`);
    assert.equal(defaults.json.properties.firstname, 'Pat');
    assert.equal(defaults.json.properties.lastname, null);
    const named = await server.request(
      'GET',
      `/crm/v3/objects/contacts/${made.json.id}?properties=firstname&properties=nope`,
    );
    assert.equal(named.json.properties.firstname, 'Pat');
    assert.equal(named.json.properties.nope, null);
    assert.equal(named.json.properties.email, undefined);
    const byEmail = await server.request(
      'GET',
      '/crm/v3/objects/contacts/PROPS@example.com?idProperty=email',
    );
    assert.equal(byEmail.json.id, made.json.id);
  });

  it('updates with PATCH (merging) and archives with DELETE', async () => {
    const made = await create('tickets', { subject: 'Broken', content: 'It broke' });
    const patched = await server.request('PATCH', `/crm/v3/objects/tickets/${made.json.id}`, {
      body: { properties: { subject: 'Fixed' } },
    });
    assert.equal(patched.status, 200);
    const read = await server.request(
      'GET',
      `/crm/v3/objects/tickets/${made.json.id}?properties=subject,content`,
    );
    assert.deepEqual([read.json.properties.subject, read.json.properties.content], ['Fixed', 'It broke']);
    assert.equal((await server.request('DELETE', `/crm/v3/objects/tickets/${made.json.id}`)).status, 204);
    const gone = await server.request('GET', `/crm/v3/objects/tickets/${made.json.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.category, 'OBJECT_NOT_FOUND');
  });

  it('pages a list with limit and after until the end', async () => {
    for (let i = 0; i < 5; i++) await create('companies', { name: `Company ${i}` });
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await server.request(
        'GET',
        `/crm/v3/objects/companies?limit=2${after ? `&after=${after}` : ''}`,
      );
      assert.equal(response.status, 200);
      seen.push(...response.json.results.map((record: { id: string }) => record.id));
      after = response.json.paging?.next?.after;
      if (!after) break;
      assert.match(response.json.paging.next.link, /limit=2&after=/);
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    assert.equal((await server.request('GET', '/crm/v3/objects/companies?limit=0')).status, 400);
    assert.equal((await server.request('GET', '/crm/v3/objects/companies?limit=101')).status, 400);
  });

  it('refuses a second contact with the same email, any letter case (409)', async () => {
    const first = await create('contacts', { email: 'twice@example.com' });
    const second = await create('contacts', { email: 'TWICE@example.com' });
    assert.equal(second.status, 409);
    assert.equal(second.json.message, errorMessage('CONTACT_EXISTS', { existingId: first.json.id }));
  });

  it('answers 400 for an unknown object type and for properties that are not values', async () => {
    const unknown = await server.request('GET', '/crm/v3/objects/widgets/1');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.message, errorMessage('UNKNOWN_OBJECT_TYPE', { objectType: 'widgets' }));
    const bad = await create('contacts', { email: 'x@example.com', nested: { a: 1 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].in, 'properties.nested');
    const none = await server.request('POST', '/crm/v3/objects/contacts', { body: {} });
    assert.equal(none.status, 400);
    assert.equal(none.json.errors[0].in, 'properties');
  });

  it('searches contacts by email only, saying so for other filters', async () => {
    await create('contacts', { email: 'findme@example.com' });
    const found = await server.request('POST', '/crm/v3/objects/contacts/search', {
      body: {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'FINDME@example.com' }] }],
      },
    });
    assert.equal(found.json.total, 1);
    const other = await server.request('POST', '/crm/v3/objects/contacts/search', {
      body: { filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'x' }] }] },
    });
    assert.equal(other.status, 400);
    assert.match(other.json.message, /email/);
  });

  it('needs CRM scopes: a timeline-only token is refused with 403', async () => {
    await server.store.ensureAccessToken(
      storedToken({
        token: 'timeline-only',
        portalId: server.portalId,
        appId: server.appId,
        scopes: ['timeline'],
      }),
    );
    const response = await server.request('GET', '/crm/v3/objects/contacts', { token: 'timeline-only' });
    assert.equal(response.status, 403);
    // Changed: HubSpot's body names the scope in errors[0].context.requiredGranularScopes.
    assertMissingScopes(response, ['crm.objects.contacts.read', 'crm.objects.contacts.write']);
  });
});
