/**
 * Custom objects: HubSpot's schemas API, records of a custom type by objectTypeId and by fully
 * qualified name, and timeline events attached to them (official client wherever it has the call).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ObjectTypePropertyCreateTypeEnum as PropertyType } from '@hubspot/api-client/lib/codegen/crm/schemas/index.js';
import { DEFAULT_SCOPES } from '../../src/domain/credentials/authentication.js';
import { errorMessage } from '../../src/errors.js';
import { createTemplate, otherPortalToken, PREFIXES, storedToken } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertError, assertInvalid, assertMissingScopes } from './template-helpers.js';

let server: TestServer;
let objectTypeId: string;
let fullyQualifiedName: string;

const petsSchema = {
  name: 'pets',
  labels: { singular: 'Pet', plural: 'Pets' },
  primaryDisplayProperty: 'pet_name',
  requiredProperties: ['pet_name'],
  searchableProperties: ['pet_name'],
  associatedObjects: ['CONTACT'],
  properties: [
    { name: 'pet_name', label: 'Pet name', type: PropertyType.String, fieldType: 'text' },
    { name: 'last_visit', label: 'Last visit', type: PropertyType.String, fieldType: 'text' },
  ],
};

before(async () => {
  server = await startTestServer();
  const created = await server.client.crm.schemas.coreApi.create(petsSchema);
  objectTypeId = created.objectTypeId as string;
  fullyQualifiedName = created.fullyQualifiedName as string;
});
after(() => server.close());

describe('schemas API', () => {
  it('create answers 201 with objectTypeId 2-N and fullyQualifiedName p{portalId}_{name}', async () => {
    assert.match(objectTypeId, /^2-\d+$/);
    assert.equal(fullyQualifiedName, `p${server.portalId}_pets`);
    const read = await server.client.crm.schemas.coreApi.getById(objectTypeId);
    assert.equal(read.name, 'pets');
    assert.equal(read.id, objectTypeId.slice(2));
    assert.deepEqual({ ...read.labels }, { singular: 'Pet', plural: 'Pets' });
    assert.deepEqual(read.requiredProperties, ['pet_name']);
    assert.deepEqual(
      read.properties.map((p) => p.name),
      ['pet_name', 'last_visit'],
    );
    const byName = await server.client.crm.schemas.coreApi.getById(fullyQualifiedName);
    assert.equal(byName.objectTypeId, objectTypeId);
    const all = await server.client.crm.schemas.coreApi.getAll();
    assert.deepEqual(
      all.results.map((s) => s.objectTypeId),
      [objectTypeId],
    );
  });

  it('the same under /crm/v3/schemas, raw; a second schema of one name is a 409', async () => {
    const list = await server.request('GET', '/crm/v3/schemas?archived=False');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.results[0].objectTypeId, objectTypeId);
    const again = await server.request('POST', '/crm/v3/schemas', { body: petsSchema });
    assertError(again, 'SCHEMA_NAME_TAKEN', { message: errorMessage('SCHEMA_NAME_TAKEN', { name: 'pets' }) });
  });

  it('refuses a body missing required fields or naming undefined properties, storing nothing', async () => {
    const missing = await server.request('POST', '/crm/v3/schemas', { body: { name: 'cars' } });
    assertInvalid(missing, ['labels', 'properties', 'requiredProperties', 'associatedObjects']);
    const undefinedProperty = await server.request('POST', '/crm/v3/schemas', {
      body: { ...petsSchema, name: 'cars', requiredProperties: ['wheels'] },
    });
    assertInvalid(undefinedProperty, ['requiredProperties[0]']);
    assert.equal((await server.request('GET', '/crm/v3/schemas')).json.results.length, 1);
  });

  it('an unknown object type is a 404', async () => {
    assertError(await server.request('GET', '/crm/v3/schemas/2-999999'), 'SCHEMA_NOT_FOUND');
  });

  it('needs the crm.schemas.custom scopes', async () => {
    const scopes = DEFAULT_SCOPES.filter((scope) => !scope.startsWith('crm.schemas'));
    await server.store.ensureAccessToken(
      storedToken({
        token: 'no-schemas',
        portalId: server.portalId,
        appId: server.appId,
        scopes,
      }),
    );
    assertMissingScopes(
      await server.request('POST', '/crm/v3/schemas', { body: petsSchema, token: 'no-schemas' }),
      ['crm.schemas.custom.write'],
    );
  });
});

describe('records of a custom object type', () => {
  it('created, read, updated and listed by objectTypeId and by fully qualified name', async () => {
    const objects = server.client.crm.objects.basicApi;
    const rex = await objects.create(objectTypeId, { properties: { pet_name: 'Rex' }, associations: [] });
    const read = await objects.getById(fullyQualifiedName, rex.id, ['pet_name']);
    assert.equal(read.properties.pet_name, 'Rex');
    const updated = await objects.update(objectTypeId, rex.id, { properties: { last_visit: 'today' } });
    assert.equal(updated.properties.last_visit, 'today');
    const page = await objects.getPage(fullyQualifiedName, 10, undefined, ['pet_name']);
    assert.ok(page.results.some((record) => record.id === rex.id));
  });

  it('refuses a record without a required property, and a type of no schema', async () => {
    const res = await server.request('POST', `/crm/v3/objects/${objectTypeId}`, {
      body: { properties: { last_visit: 'x' } },
    });
    assertInvalid(res, ['properties.pet_name']);
    const unknown = await server.request('POST', '/crm/v3/objects/2-999999', { body: { properties: {} } });
    assertError(unknown, 'UNKNOWN_OBJECT_TYPE', {
      message: errorMessage('UNKNOWN_OBJECT_TYPE', { objectType: '2-999999' }),
    });
  });

  it('another portal knows neither the schema nor its records', async () => {
    await otherPortalToken(server, 515151, 'other-portal-custom');
    const res = await server.request('GET', `/crm/v3/objects/${objectTypeId}`, {
      token: 'other-portal-custom',
    });
    assertError(res, 'UNKNOWN_OBJECT_TYPE');
    const byName = await server.request('GET', `/crm/v3/schemas/${fullyQualifiedName}`, {
      token: 'other-portal-custom',
    });
    assertError(byName, 'SCHEMA_NOT_FOUND');
  });
});

describe('timeline events on custom object records', () => {
  it('attach to the record and echo customObjectTypeId', async () => {
    const templateId = await createTemplate(server, {
      name: 'Vet visit',
      objectType: objectTypeId,
      headerTemplate: 'Visited on {{day}}',
      tokens: [{ name: 'day', label: 'Day', type: 'string', objectPropertyName: 'last_visit' }],
    });
    const pet = await server.client.crm.objects.basicApi.create(objectTypeId, {
      properties: { pet_name: 'Tom' },
      associations: [],
    });
    const event = await server.client.crm.timeline.eventsApi.create({
      eventTemplateId: templateId,
      objectId: pet.id,
      tokens: { day: 'Monday' },
    });
    assert.equal(event.objectType, objectTypeId);
    assert.equal(event.objectId, pet.id);
    const raw = await server.request('GET', `${PREFIXES[0]}/events/${templateId}/${event.id}`);
    assert.equal(raw.json.customObjectTypeId, objectTypeId);
    // The token stamped the record's property, in the same write.
    const stamped = await server.client.crm.objects.basicApi.getById(objectTypeId, pet.id, ['last_visit']);
    assert.equal(stamped.properties.last_visit, 'Monday');
    // An objectId that is no record of the type is a per-input error.
    const missing = await server.request('POST', `${PREFIXES[0]}/events`, {
      body: { eventTemplateId: templateId, objectId: '987654', tokens: {} },
    });
    assert.equal(missing.status, 400);
    assert.equal(
      missing.json.message,
      errorMessage('RECORD_NOT_FOUND', { objectType: objectTypeId, objectId: '987654' }),
    );
  });
});
