/**
 * HubSpot keeps a contact's email in lower case: creating, updating, finding and stamping by email
 * lower-case it, through the CRM objects API and through events (official client throughout).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server, {
    name: 'Emails',
    tokens: [{ name: 'contactEmail', label: 'Email', type: 'string', objectPropertyName: 'email' }],
  });
});
after(() => server.close());

const contacts = () => server.client.crm.contacts;

async function findByEmail(email: string) {
  const found = await contacts().searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: FilterOperatorEnum.Eq, value: email }] }],
  });
  return found.results;
}

describe('emails in lower case', () => {
  it('the CRM objects API stores a created and an updated email in lower case', async () => {
    const created = await contacts().basicApi.create({ properties: { email: 'Ada.Lovelace@Example.COM' } });
    assert.equal(created.properties.email, 'ada.lovelace@example.com');
    const read = await contacts().basicApi.getById(created.id, ['email']);
    assert.equal(read.properties.email, 'ada.lovelace@example.com');
    const updated = await contacts().basicApi.update(created.id, {
      properties: { email: 'ADA@Example.com' },
    });
    assert.equal(updated.properties.email, 'ada@example.com');
    const [found] = await findByEmail('Ada@EXAMPLE.com');
    assert.equal(found?.id, created.id);
    const byEmail = await contacts().basicApi.getById(
      'ADA@example.COM',
      ['email'],
      undefined,
      undefined,
      false,
      'email',
    );
    assert.equal(byEmail.id, created.id);
  });

  it('an event creates its contact with the email in lower case and finds it again in any case', async () => {
    const events = server.client.crm.timeline.eventsApi;
    const first = await events.create({ eventTemplateId: templateId, email: 'Grace@Hopper.ORG', tokens: {} });
    const second = await events.create({
      eventTemplateId: templateId,
      email: 'GRACE@hopper.org',
      tokens: {},
    });
    assert.equal(second.objectId, first.objectId);
    const contact = await contacts().basicApi.getById(String(first.objectId), ['email']);
    assert.equal(contact.properties.email, 'grace@hopper.org');
  });

  it('an event setting or stamping a contact email lower-cases it', async () => {
    const events = server.client.crm.timeline.eventsApi;
    const { id } = await contacts().basicApi.create({ properties: { firstname: 'Katherine' } });
    await events.create({
      eventTemplateId: templateId,
      objectId: id,
      email: 'Katherine@NASA.gov',
      tokens: {},
    });
    assert.equal((await contacts().basicApi.getById(id, ['email'])).properties.email, 'katherine@nasa.gov');
    await events.create({
      eventTemplateId: templateId,
      objectId: id,
      tokens: { contactEmail: 'K.Johnson@NASA.gov' },
    });
    assert.equal((await contacts().basicApi.getById(id, ['email'])).properties.email, 'k.johnson@nasa.gov');
  });
});
