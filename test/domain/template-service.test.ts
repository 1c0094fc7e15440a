/**
 * The template rules as the domain applies them, without HTTP: a fixed clock makes every time
 * exact, and an in-memory SQLite store stands behind the port.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Clock } from '../../src/domain/clock.js';
import { TemplateService } from '../../src/domain/template-service.js';
import { ApiError } from '../../src/errors.js';
import { Limits } from '../../src/limits.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const APP = 77;

let store: SqliteStore;
let now: number;
const clock: Clock = { now: () => now };
let service: TemplateService;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  await store.migrate();
  now = T0;
  service = new TemplateService(store, clock, { ...Limits, MAX_TEMPLATES_PER_APP: 2 });
});
afterEach(() => store.close());

/** The ApiError a call rejects with (fails the test when it resolves). */
async function refusal(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  assert.fail('expected an ApiError');
}

const plan = { name: 'plan', label: 'Plan', type: 'string' as const };

describe('TemplateService', () => {
  it('stamps created and updated times from the clock, tokens included', async () => {
    const template = await service.create(APP, { name: 'Signup', tokens: [plan] });
    assert.equal(template.createdAt, T0);
    assert.equal(template.updatedAt, T0);
    assert.deepEqual(template.tokens, [{ ...plan, options: [], createdAt: T0, updatedAt: T0 }]);
    assert.equal(template.objectType, 'contacts', 'objectType defaults to contacts (ours)');
  });

  it('keeps createdAt and a kept token on update, and moves updatedAt', async () => {
    const created = await service.create(APP, { name: 'Signup', tokens: [plan] });
    now = T0 + 60_000;
    const updated = await service.update(APP, created.id, {
      id: created.id,
      name: 'Signed up',
      tokens: [plan, { name: 'seats', label: 'Seats', type: 'number' }],
    });
    assert.equal(updated.createdAt, T0);
    assert.equal(updated.updatedAt, T0 + 60_000);
    assert.equal(updated.tokens[0]?.createdAt, T0, 'an unchanged token keeps its times');
    assert.equal(updated.tokens[1]?.createdAt, T0 + 60_000);
    assert.equal(updated.version, created.version + 1);
  });

  it('refuses to change objectType or a token type on update, naming the field', async () => {
    const created = await service.create(APP, { name: 'Signup', tokens: [plan] });
    const error = await refusal(
      service.update(APP, created.id, {
        id: created.id,
        name: 'Signup',
        objectType: 'companies',
        tokens: [{ ...plan, type: 'number' }],
      }),
    );
    assert.equal(error.status, 400);
    const fields = error.details.map((d) => d.in);
    assert.ok(fields.includes('objectType'), JSON.stringify(error.details));
  });

  it('holds the per-app limit and answers another app as missing', async () => {
    await service.create(APP, { name: 'a', tokens: [] });
    const second = await service.create(APP, { name: 'b', tokens: [] });
    assert.equal(
      (await refusal(service.create(APP, { name: 'c', tokens: [] }))).code,
      'TEMPLATE_LIMIT_REACHED',
    );
    assert.equal((await refusal(service.get(APP + 1, second.id))).code, 'TEMPLATE_NOT_FOUND');
  });

  it('adds a token once, and refuses its name a second time', async () => {
    const created = await service.create(APP, { name: 'Signup', tokens: [] });
    now = T0 + 1;
    const token = await service.createToken(APP, created.id, plan);
    assert.equal(token.createdAt, T0 + 1);
    const again = await refusal(service.createToken(APP, created.id, plan));
    assert.equal(again.code, 'TOKEN_NAME_TAKEN');
    assert.equal(again.details[0]?.in, 'name');
    assert.deepEqual((await service.get(APP, created.id)).tokens.length, 1);
  });
});
