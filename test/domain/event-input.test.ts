/** Reading one event input: the parts whose behaviour does not show through HTTP in a UTC test run. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { toEventWrite } from '../../src/domain/events/v3-event-input.js';
import type { EventTemplate } from '../../src/domain/types.js';
import { Limits } from '../../src/limits.js';

const template: EventTemplate = {
  id: '1000001',
  appId: 1,
  name: 't',
  objectType: 'contacts',
  tokens: [],
  createdAt: 0,
  updatedAt: 0,
  version: 1,
};
const ctx = { portalId: 1, now: 0, limits: Limits, ids: { uuid: () => 'u', secret: () => 's' } };
const timestampOf = (timestamp: string | number) =>
  toEventWrite({ eventTemplateId: '1000001', email: 'a@example.com', tokens: {}, timestamp }, template, ctx)
    .event.timestamp;

let zone: string | undefined;
before(() => {
  zone = process.env.TZ;
  // Node reads TZ again when it changes: a zoneless date-time must not follow the server's zone.
  process.env.TZ = 'America/New_York';
});
after(() => {
  process.env.TZ = zone;
});

it('reads an ISO date-time without a zone as UTC, whatever the server zone', () => {
  assert.equal(timestampOf('2020-01-30T18:13:25'), Date.UTC(2020, 0, 30, 18, 13, 25));
  assert.equal(timestampOf('2020-01-30T18:13'), Date.UTC(2020, 0, 30, 18, 13));
  assert.equal(timestampOf('2020-01-30'), Date.UTC(2020, 0, 30));
  assert.equal(timestampOf('2020-01-30T18:13:25+01:00'), Date.UTC(2020, 0, 30, 17, 13, 25));
  assert.equal(timestampOf(1580408005000), 1580408005000);
});

it('gives server-made ids no fingerprint and given ids one', () => {
  const make = (id?: string) =>
    toEventWrite(
      { eventTemplateId: '1000001', email: 'a@example.com', tokens: {}, ...(id ? { id } : {}) },
      template,
      ctx,
    );
  assert.equal(make().fingerprint, '');
  assert.equal(make('x-{{uuid}}').fingerprint, '');
  assert.notEqual(make('given').fingerprint, '');
  assert.equal(make('given').fingerprint, make('given').fingerprint);
});

it('refuses identifiers a database could not keep as sent, and what is plainly not an email', () => {
  const problemsOf = (fields: Record<string, unknown>) => {
    try {
      toEventWrite(
        { eventTemplateId: '1000001', tokens: {}, email: 'ok@example.com', ...fields },
        template,
        ctx,
      );
      return [];
    } catch (error) {
      return (error as { details: { in: string }[] }).details.map((detail) => detail.in);
    }
  };
  assert.deepEqual(problemsOf({ id: 'a\u0000b' }), ['id']);
  assert.deepEqual(problemsOf({ utk: 'u\uD800' }), ['utk']);
  assert.deepEqual(problemsOf({ email: 'n\u0000l@example.com' }), ['email']);
  assert.deepEqual(problemsOf({ email: '' }), ['email']);
  assert.deepEqual(problemsOf({ email: 'not an email' }), ['email']);
  assert.deepEqual(problemsOf({ email: ' Spaced@Example.com ' }), []);
  assert.deepEqual(problemsOf({ id: 'emoji-🎉-ok' }), []);
});
