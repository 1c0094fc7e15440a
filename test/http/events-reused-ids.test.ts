/**
 * Re-used event ids, as HubSpot's developer announcement "Timeline API IDs must be globally unique"
 * (community.hubspot.com, live since April 21, 2021) states them: an id used again for a different
 * CRM object is refused with 400 "Event ID already in use, please choose a new unique ID" (the single
 * create's answer, and a failed item of a batch's 207); the first event keeps its record. What the
 * announcement does not say is ours (docs/compatibility.md): the identical event sent again is an
 * idempotent success, and ids are unique per template (the same id under another template of the
 * app is another event), with the official client as well as raw HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplate } from '../helpers/webinar-template.js';

const MESSAGE = 'Event ID already in use, please choose a new unique ID';
let server: TestServer;
let templateId: string;
let otherTemplateId: string;
before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server);
  otherTemplateId = await createTemplate(server, { ...webinarTemplate, name: 'Another' });
});
after(() => server.close());

const event = (id: string, email: string, template = templateId) => ({
  eventTemplateId: template,
  id,
  email,
  tokens: { webinarName: 'Intro' },
});

describe('re-used event ids', () => {
  it("the same id for another record: 400 with HubSpot's message; the first event keeps its record", async () => {
    const first = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: event('reused-1', 'first@example.com'),
    });
    assert.equal(first.status, 201, first.text);
    const second = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: event('reused-1', 'second@example.com'),
    });
    assert.equal(second.status, 400);
    assert.equal(second.json.message, MESSAGE);
    assert.equal(second.json.errors[0].in, 'id');
    const stored = await server.request('GET', `${PREFIXES[0]}/events/${templateId}/reused-1`);
    assert.equal(stored.json.objectId, first.json.objectId);
  });

  it('in a batch, the item naming another record fails alone in a 207', async () => {
    await server.request('POST', `${PREFIXES[0]}/events`, { body: event('reused-2', 'one@example.com') });
    const batch = await server.request('POST', `${PREFIXES[0]}/events/batch/create`, {
      body: { inputs: [event('fresh-2', 'one@example.com'), event('reused-2', 'two@example.com')] },
    });
    assert.equal(batch.status, 207, batch.text);
    assert.equal(batch.json.numErrors, 1);
    assert.deepEqual(
      batch.json.results.map((r: { id: string }) => r.id),
      ['fresh-2'],
    );
    assert.equal(batch.json.errors[0].message, MESSAGE);
    assert.deepEqual(batch.json.errors[0].context.inputIndex, ['1']);
  });

  it('ours: the identical event again is a success; the same id under another template is another event', async () => {
    const sent = await server.client.crm.timeline.eventsApi.create(
      event('same-3', 'same@example.com') as never,
    );
    const again = await server.client.crm.timeline.eventsApi.create(
      event('same-3', 'same@example.com') as never,
    );
    assert.equal(again.id, sent.id);
    assert.equal(again.objectId, sent.objectId);
    const other = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: event('same-3', 'elsewhere@example.com', otherTemplateId),
    });
    assert.equal(other.status, 201, other.text);
  });
});
