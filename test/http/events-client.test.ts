/** The official @hubspot/api-client, pointed at the server: every timeline event call works. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;

before(async () => {
  server = await startTestServer({ timeZone: 'America/New_York' });
  templateId = await createTemplate(server, {
    name: 'Registration',
    headerTemplate: 'Registered for **{{webinarName}}**',
    detailTemplate:
      'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n#### Questions\n{{#each extraData.questions}}\n  **{{question}}**: {{answer}}\n{{/each}}\n\nEDIT',
    tokens: [{ name: 'webinarName', label: 'Webinar', type: 'string' }],
  });
});
after(() => server.close());

describe('official client: eventsApi', () => {
  it('create answers a TimelineEventResponse', async () => {
    const event = await server.client.crm.timeline.eventsApi.create({
      eventTemplateId: templateId,
      email: 'client@example.com',
      id: 'client-1',
      tokens: { webinarName: 'Cats 101' },
      timestamp: new Date('2020-01-30T18:13:25Z'),
      extraData: {
        questions: [
          { question: "Who's a good kitty?", answer: 'Purr...' },
          { question: 'Will you stop playing with that?', answer: 'Meow!' },
        ],
      },
    });
    assert.equal(event.id, 'client-1');
    assert.equal(event.objectType, 'contacts');
    assert.ok(event.objectId);
    assert.deepEqual(event.tokens, { webinarName: 'Cats 101' });
    assert.ok(event.timestamp instanceof Date);
    assert.equal(event.timestamp?.toISOString(), '2020-01-30T18:13:25.000Z');
  });

  it('createBatch answers all created', async () => {
    const response = await server.client.crm.timeline.eventsApi.createBatch({
      inputs: [
        { eventTemplateId: templateId, email: 'client-b@example.com', tokens: { webinarName: 'A' } },
        { eventTemplateId: templateId, email: 'client-b@example.com', tokens: { webinarName: 'B' } },
      ],
    });
    assert.ok(response);
    assert.equal(response.status, 'COMPLETE');
    assert.equal(response.results.length, 2);
    assert.ok(response.completedAt instanceof Date);
  });

  it('createBatch answers a 207 as BatchResponseTimelineEventResponseWithErrors', async () => {
    const response = await server.client.crm.timeline.eventsApi.createBatch({
      inputs: [
        { eventTemplateId: templateId, email: 'client-c@example.com', tokens: { webinarName: 'ok' } },
        { eventTemplateId: templateId, email: 'client-c@example.com', tokens: { unknownToken: 'x' } },
      ],
    });
    assert.ok(response && 'numErrors' in response, 'the 207 shape');
    assert.equal(response.numErrors, 1);
    assert.equal(response.results.length, 1);
    assert.deepEqual(response.errors?.[0]?.context, { inputIndex: ['1'], eventTemplateId: [templateId] });
  });

  it('getById reads the event back', async () => {
    const event = await server.client.crm.timeline.eventsApi.getById(templateId, 'client-1');
    assert.equal(event.id, 'client-1');
    assert.equal(event.eventTemplateId, templateId);
  });

  it('getRenderById renders the header, and the detail with detail=true', async () => {
    const header = await server.client.crm.timeline.eventsApi.getRenderById(templateId, 'client-1');
    assert.equal(header, '<p>Registered for <strong>Cats 101</strong></p>');
    const detail = await server.client.crm.timeline.eventsApi.getRenderById(templateId, 'client-1', true);
    assert.match(detail, /^<p>Registration occurred at Jan 30, 2020, 1:13:25 PM<\/p>/);
  });

  it("getDetailById renders HubSpot's documented example exactly", async () => {
    const detail = await server.client.crm.timeline.eventsApi.getDetailById(templateId, 'client-1');
    assert.equal(
      detail.details,
      '<p>Registration occurred at Jan 30, 2020, 1:13:25 PM</p><h4>Questions</h4><p><strong>Who&#x27;s a good kitty?</strong>: Purr...</p><p><strong>Will you stop playing with that?</strong>: Meow!</p><p>EDIT</p>',
    );
  });

  it('throws an ApiException with HubSpot envelope for an unknown event', async () => {
    await assert.rejects(
      server.client.crm.timeline.eventsApi.getById(templateId, 'missing'),
      (error: { code: number; body: { status: string; category: string } }) => {
        assert.equal(error.code, 404);
        assert.equal(error.body.status, 'error');
        assert.equal(error.body.category, 'OBJECT_NOT_FOUND');
        return true;
      },
    );
  });
});

describe('official client: CRM objects', () => {
  it('contacts basicApi create, getById with properties, update, getPage, archive', async () => {
    const contacts = server.client.crm.contacts;
    const created = await contacts.basicApi.create({
      properties: { email: 'crm@example.com', firstname: 'Grace' },
      associations: [],
    });
    assert.match(created.id, /^\d+$/);
    const read = await contacts.basicApi.getById(created.id, ['email', 'firstname', 'lastname']);
    assert.equal(read.properties.email, 'crm@example.com');
    assert.equal(read.properties.lastname, null);
    const updated = await contacts.basicApi.update(created.id, { properties: { lastname: 'Hopper' } });
    assert.equal(updated.properties.lastname, 'Hopper');
    const page = await contacts.basicApi.getPage(100);
    assert.ok(page.results.some((contact) => contact.id === created.id));
    const found = await contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'crm@example.com' }] },
      ],
      properties: ['email'],
      limit: 1,
      after: '0',
      sorts: [],
    });
    assert.equal(found.total, 1);
    await contacts.basicApi.archive(created.id);
    await assert.rejects(
      contacts.basicApi.getById(created.id),
      (error: { code: number }) => error.code === 404,
    );
  });

  it('companies basicApi create and getById', async () => {
    const company = await server.client.crm.companies.basicApi.create({
      properties: { name: 'Initech', domain: 'initech.test' },
      associations: [],
    });
    const read = await server.client.crm.companies.basicApi.getById(company.id);
    assert.equal(read.properties.name, 'Initech');
    assert.equal(read.properties.domain, 'initech.test');
  });
});
