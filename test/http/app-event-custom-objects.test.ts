/**
 * App event occurrences of a type declared for custom objects (`supportsCustomObject: true`) name
 * their object by `objectTypeFullyQualifiedName`: the custom object's fully qualified name
 * `p{portalId}_{name}`, as HubSpot's docs give it, or its id `2-N`. Either reaches the same record,
 * on every app-event version, single and batch; a name of no custom object of the portal (another
 * portal's, a standard object's, an unknown one) is a 400 naming the field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { hsmeta } from './app-event-helpers.js';

let server: TestServer;
let objectTypeId: string;
let fullyQualifiedName: string;
let recordId: string;

before(async () => {
  server = await startTestServer();
  const schema = await server.request('POST', '/crm/v3/schemas', {
    body: {
      name: 'pets',
      labels: { singular: 'Pet', plural: 'Pets' },
      primaryDisplayProperty: 'pet_name',
      requiredProperties: ['pet_name'],
      associatedObjects: ['CONTACT'],
      properties: [{ name: 'pet_name', label: 'Pet name', type: 'string', fieldType: 'text' }],
    },
  });
  assert.equal(schema.status, 201, schema.text);
  objectTypeId = schema.json.objectTypeId;
  fullyQualifiedName = schema.json.fullyQualifiedName;
  const record = await server.request('POST', `/crm/v3/objects/${fullyQualifiedName}`, {
    body: { properties: { pet_name: 'Rex' } },
  });
  assert.equal(record.status, 201, record.text);
  recordId = record.json.id;
  const type = await server.request('POST', `/_admin/v1/apps/${server.appId}/app-event-types`, {
    token: server.credentials.adminToken,
    body: hsmeta({ uid: 'pet_checkup' }, { objectType: undefined, supportsCustomObject: true }),
  });
  assert.ok(type.status < 300, type.text);
});
after(() => server.close());

const occurrence = (id: string, objectType: unknown) => ({
  eventTypeName: 'pet_checkup',
  id,
  objectId: recordId,
  objectTypeFullyQualifiedName: objectType,
  properties: { courseName: 'Checkup' },
});

describe('app events on custom objects', () => {
  it('p{portalId}_{name} and 2-N both reach the record, single and batch, on every version', async () => {
    let n = 0;
    for (const version of ['v4', '2026-03', '2026-09']) {
      for (const name of [fullyQualifiedName, objectTypeId]) {
        const single = await server.request('POST', `/integrators/timeline/${version}/events`, {
          body: occurrence(`pc-${++n}`, name),
        });
        assert.equal(single.status, 200, `${version} ${name}: ${single.text}`);
        const batch = await server.request('POST', `/integrators/timeline/${version}/events/batch`, {
          body: { inputs: [occurrence(`pc-${++n}`, name)] },
        });
        assert.equal(batch.status, 200, `${version} ${name}: ${batch.text}`);
        assert.equal(batch.json.results[0].objectId, recordId);
        // Answered by the schema's id, whichever name was sent (the record's one type).
        assert.equal(batch.json.results[0].objectTypeFullyQualifiedName, objectTypeId);
      }
    }
    const timeline = await server.request(
      'GET',
      `/_timeline/v1/objects/${objectTypeId}/${recordId}/events?limit=100`,
    );
    assert.equal(timeline.status, 200, timeline.text);
    assert.equal(timeline.json.results.length, n);
  });

  it('a name of no custom object of this portal is a 400 naming the field; nothing is stored', async () => {
    for (const name of [`p${server.portalId + 1}_pets`, 'contacts', '0-1', 'p0_unknown', '2-999999', 7, '']) {
      const refused = await server.request('POST', '/integrators/timeline/2026-03/events/batch', {
        body: { inputs: [occurrence('pc-refused', name)] },
      });
      assert.equal(refused.status, 400, `${JSON.stringify(name)}: ${refused.text}`);
      assert.equal(refused.json.errors[0].in, 'objectTypeFullyQualifiedName');
    }
    const missing = await server.request('POST', '/integrators/timeline/v4/events', {
      body: { ...occurrence('pc-refused', undefined), objectTypeFullyQualifiedName: undefined },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.errors[0].code, 'REQUIRED_FIELD');
  });
});
