/** Events attach to CRM records: resolution by objectId, utk and email, stamping, races. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let contactTemplate: string;
let companyTemplate: string;
const [V3] = PREFIXES;

before(async () => {
  server = await startTestServer();
  contactTemplate = await createTemplate(server);
  companyTemplate = await createTemplate(server, {
    name: 'Company renewal',
    objectType: 'companies',
    tokens: [{ name: 'plan', label: 'Plan', type: 'string', objectPropertyName: 'plan_name' }],
  });
});
after(() => server.close());

const createEvent = (body: Record<string, unknown>) => server.request('POST', `${V3}/events`, { body });
const readRecord = (type: string, id: string, properties: string) =>
  server.request('GET', `/crm/v3/objects/${type}/${id}?properties=${properties}`);

describe('record resolution', () => {
  it('creates a contact for an unknown email and reuses it, whatever the letter case', async () => {
    const first = await createEvent({
      eventTemplateId: contactTemplate,
      email: 'New.Person@Example.com',
      tokens: {},
    });
    const second = await createEvent({
      eventTemplateId: contactTemplate,
      email: 'new.person@example.com',
      tokens: {},
    });
    assert.equal(first.status, 201);
    assert.equal(second.json.objectId, first.json.objectId);
    const contact = await readRecord('contacts', first.json.objectId, 'email');
    assert.equal(contact.status, 200);
    // Changed: HubSpot stores a contact's email in lower case (it kept the case before).
    assert.equal(contact.json.properties.email, 'new.person@example.com');
  });

  it('finds a contact by objectId and sets its email when one is given', async () => {
    const made = await server.request('POST', '/crm/v3/objects/contacts', {
      body: { properties: { firstname: 'Ada' } },
    });
    assert.equal(made.status, 201);
    const response = await createEvent({
      eventTemplateId: contactTemplate,
      objectId: made.json.id,
      email: 'ada@example.com',
      tokens: {},
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.json.objectId, made.json.id);
    const contact = await readRecord('contacts', made.json.id, 'email,firstname');
    assert.deepEqual(
      [contact.json.properties.email, contact.json.properties.firstname],
      ['ada@example.com', 'Ada'],
    );
  });

  it('refuses to give a contact an email that another contact has', async () => {
    await createEvent({ eventTemplateId: contactTemplate, email: 'owner@example.com', tokens: {} });
    const made = await server.request('POST', '/crm/v3/objects/contacts', {
      body: { properties: { firstname: 'Bo' } },
    });
    const response = await createEvent({
      eventTemplateId: contactTemplate,
      objectId: made.json.id,
      email: 'owner@example.com',
      tokens: {},
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].in, 'email');
    assert.match(response.json.message, /owner@example\.com/);
  });

  it('binds a new utk sent with an email, then finds the contact by the utk alone', async () => {
    const bound = await createEvent({
      eventTemplateId: contactTemplate,
      utk: 'utk-123',
      email: 'utk@example.com',
      tokens: {},
    });
    assert.equal(bound.status, 201, bound.text);
    const byUtk = await createEvent({ eventTemplateId: contactTemplate, utk: 'utk-123', tokens: {} });
    assert.equal(byUtk.status, 201, byUtk.text);
    assert.equal(byUtk.json.objectId, bound.json.objectId);
    const unknown = await createEvent({ eventTemplateId: contactTemplate, utk: 'utk-unknown', tokens: {} });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.errors[0].in, 'utk');
  });

  it('prefers objectId over utk over email', async () => {
    const a = await createEvent({
      eventTemplateId: contactTemplate,
      email: 'prec-a@example.com',
      tokens: {},
    });
    const b = await createEvent({
      eventTemplateId: contactTemplate,
      utk: 'prec-utk',
      email: 'prec-b@example.com',
      tokens: {},
    });
    const both = await createEvent({
      eventTemplateId: contactTemplate,
      objectId: a.json.objectId,
      utk: 'prec-utk',
      tokens: {},
    });
    assert.equal(both.json.objectId, a.json.objectId);
    const utkWins = await createEvent({
      eventTemplateId: contactTemplate,
      utk: 'prec-utk',
      email: 'prec-b@example.com',
      tokens: {},
    });
    assert.equal(utkWins.json.objectId, b.json.objectId);
  });

  it('needs an existing objectId for companies, and sets the domain given with it', async () => {
    const none = await createEvent({
      eventTemplateId: companyTemplate,
      email: 'nobody@example.com',
      tokens: {},
    });
    assert.equal(none.status, 400);
    assert.match(none.json.message, /objectId/);
    const missing = await createEvent({ eventTemplateId: companyTemplate, objectId: '4040404', tokens: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /4040404/);
    const company = await server.request('POST', '/crm/v3/objects/companies', {
      body: { properties: { name: 'Acme' } },
    });
    const response = await createEvent({
      eventTemplateId: companyTemplate,
      objectId: company.json.id,
      domain: 'acme.test',
      tokens: { plan: 'pro' },
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.json.objectType, 'companies');
    const stored = await readRecord('companies', company.json.id, 'domain,plan_name,name');
    assert.deepEqual(stored.json.properties.domain, 'acme.test');
    assert.deepEqual(stored.json.properties.plan_name, 'pro');
    assert.deepEqual(stored.json.properties.name, 'Acme');
  });
});

describe('property stamping', () => {
  it('writes token values with objectPropertyName onto the record', async () => {
    const response = await createEvent({
      eventTemplateId: contactTemplate,
      email: 'stamp@example.com',
      tokens: { webinarName: 'Deep dive' },
    });
    const contact = await readRecord('contacts', response.json.objectId, 'last_webinar');
    assert.equal(contact.json.properties.last_webinar, 'Deep dive');
  });

  it('leaves no record change behind when the event fails', async () => {
    const response = await createEvent({
      eventTemplateId: contactTemplate,
      email: 'ghost@example.com',
      tokens: { webinarName: 'x', seats: 'many' },
    });
    assert.equal(response.status, 400);
    const search = await server.request('POST', '/crm/v3/objects/contacts/search', {
      body: {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ghost@example.com' }] }],
      },
    });
    assert.equal(search.json.total, 0);
  });

  it('rolls back a failed batch item with its contact while keeping the others', async () => {
    await createEvent({
      eventTemplateId: contactTemplate,
      id: 'rollback-dup',
      email: 'keep@example.com',
      tokens: {},
    });
    const response = await server.request('POST', `${V3}/events/batch/create`, {
      body: {
        inputs: [
          { eventTemplateId: contactTemplate, email: 'fresh-ok@example.com', tokens: { webinarName: 'A' } },
          // Fails in the store (id taken) after its new contact would have been created.
          {
            eventTemplateId: contactTemplate,
            id: 'rollback-dup',
            email: 'fresh-fail@example.com',
            tokens: { webinarName: 'B' },
          },
        ],
      },
    });
    assert.equal(response.status, 207);
    const search = (email: string) =>
      server.request('POST', '/crm/v3/objects/contacts/search', {
        body: { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }] }] },
      });
    assert.equal((await search('fresh-ok@example.com')).json.total, 1);
    assert.equal((await search('fresh-fail@example.com')).json.total, 0);
  });
});

describe('concurrency', () => {
  it('creates one contact when concurrent batches race on a new email', async () => {
    const email = 'race@example.com';
    const inputs = Array.from({ length: 50 }, () => ({
      eventTemplateId: contactTemplate,
      email,
      tokens: {},
    }));
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.request('POST', `${V3}/events/batch/create`, { body: { inputs } }),
      ),
    );
    const objectIds = new Set<string>();
    for (const response of responses) {
      assert.equal(response.status, 201, response.text);
      for (const event of response.json.results) objectIds.add(event.objectId);
    }
    assert.equal(objectIds.size, 1);
  });
});

describe('--auto-create-records', () => {
  it('creates a missing record for an unknown objectId when enabled', async () => {
    const auto = await startTestServer({ autoCreateRecords: 'true' });
    try {
      const template = await createTemplate(auto, { name: 'Deal', objectType: 'deals', tokens: [] });
      const response = await auto.request('POST', `${V3}/events`, {
        body: { eventTemplateId: template, objectId: '5550001', tokens: {} },
      });
      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.objectId, '5550001');
      assert.equal((await auto.request('GET', '/crm/v3/objects/deals/5550001')).status, 200);
      const next = await auto.request('POST', '/crm/v3/objects/deals', {
        body: { properties: { dealname: 'Next' } },
      });
      assert.ok(Number(next.json.id) > 5550001, 'generated ids stay clear of auto-created ones');
    } finally {
      await auto.close();
    }
  });
});
