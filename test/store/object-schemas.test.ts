/** Store conformance: custom object schemas (2-N ids, unique names per portal, lookups, restarts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewObjectSchema, StoreFailure } from '../../src/domain/store.js';
import type { ObjectSchema } from '../../src/domain/types.js';
import { eachBackend, openStore, uniqueIds } from './backends.js';

function isSchema(result: ObjectSchema | StoreFailure): result is ObjectSchema {
  return !('ok' in result);
}

function newSchema(portalId: number, overrides: Partial<NewObjectSchema> = {}): NewObjectSchema {
  return {
    portalId,
    name: 'pets',
    labels: { singular: 'Pet', plural: 'Pets' },
    primaryDisplayProperty: 'pet_name',
    secondaryDisplayProperties: [],
    searchableProperties: ['pet_name'],
    requiredProperties: ['pet_name'],
    properties: [{ name: 'pet_name', label: 'Pet name', type: 'string', fieldType: 'text' }],
    associatedObjects: ['CONTACT'],
    createdAt: 1_600_000_000_000,
    updatedAt: 1_600_000_000_000,
    ...overrides,
  };
}

eachBackend((backend) => {
  test('insert answers the schema with a 2-N id; get by id or name; list per portal', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const other = uniqueIds().portalId;
    const pets = await store.insertObjectSchema(newSchema(portalId));
    const cars = await store.insertObjectSchema(newSchema(portalId, { name: 'cars', description: 'Cars' }));
    assert.ok(isSchema(pets) && isSchema(cars));
    assert.match(pets.objectTypeId, /^2-\d+$/);
    assert.notEqual(pets.objectTypeId, cars.objectTypeId);
    assert.deepEqual(pets, { ...newSchema(portalId), objectTypeId: pets.objectTypeId });
    assert.equal(cars.description, 'Cars');
    assert.deepEqual(await store.getObjectSchema(portalId, pets.objectTypeId), pets);
    assert.deepEqual(await store.getObjectSchema(portalId, 'cars'), cars);
    assert.deepEqual(
      (await store.listObjectSchemas(portalId)).map((s) => s.name),
      ['pets', 'cars'],
    );
    // Another portal sees none of them.
    assert.equal(await store.getObjectSchema(other, pets.objectTypeId), undefined);
    assert.deepEqual(await store.listObjectSchemas(other), []);
  });

  test('a name is unique within a portal, not across portals', async (t) => {
    const store = await openStore(t, backend.shared());
    const { portalId } = uniqueIds();
    const other = uniqueIds().portalId;
    assert.ok(isSchema(await store.insertObjectSchema(newSchema(portalId))));
    assert.deepEqual(await store.insertObjectSchema(newSchema(portalId, { labels: { singular: 'X' } })), {
      ok: false,
      code: 'SCHEMA_NAME_TAKEN',
      params: { name: 'pets' },
    });
    assert.ok(isSchema(await store.insertObjectSchema(newSchema(other))));
    assert.equal((await store.listObjectSchemas(portalId)).length, 1);
  });

  test('schemas survive a restart', {
    skip: backend.sharesDatabase ? false : 'an in-memory database does not outlive its store',
  }, async (t) => {
    const database = backend.fresh();
    const { portalId } = uniqueIds();
    const first = await openStore(t, database);
    const saved = await first.insertObjectSchema(newSchema(portalId));
    assert.ok(isSchema(saved));
    await first.close();
    const second = await openStore(t, database);
    assert.deepEqual(await second.getObjectSchema(portalId, 'pets'), saved);
  });
});
