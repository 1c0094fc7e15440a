/**
 * The fields HubSpot's template and token requests require, Jackson's scalar coercion on them, and
 * messages that read as HubSpot's (no validator internals).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessage } from '../../src/errors.js';
import { PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { webinarTemplateBody } from '../helpers/webinar-template.js';
import { assertError, assertInvalid, templatesApi } from './template-helpers.js';

let test: TestServer;
before(async () => {
  test = await startTestServer();
});
after(() => test?.close());

const api = () => templatesApi(test, PREFIXES[0]);
const INTERNALS = /must have required property|undefined|NaN|must NOT have/;

describe('required fields', () => {
  it('a template create needs name and tokens, naming each one missing', async () => {
    const res = await api().post('', { objectType: 'contacts', headerTemplate: 'x' });
    assertInvalid(res, ['name', 'tokens']);
    assert.deepEqual(res.json.errors.map((e: { message: string }) => e.message).sort(), [
      'name is required',
      'tokens is required',
    ]);
    assert.equal(res.json.message, 'Invalid input: name is required (and 1 more)');
    assert.doesNotMatch(res.text, INTERNALS);
    assert.deepEqual((await api().get('')).json.results, []);
  });

  it('an empty token list will do', async () => {
    const res = await api().post('', { name: 'No tokens', tokens: [] });
    assert.equal(res.status, 201, res.text);
  });

  it('a template update needs id, name and tokens, naming each one missing', async () => {
    const created = (await api().post('', webinarTemplateBody())).json;
    const res = await api().put(`/${created.id}`, { headerTemplate: 'changed' });
    assertInvalid(res, ['id', 'name', 'tokens']);
    assert.doesNotMatch(res.text, INTERNALS);
    assert.deepEqual((await api().get(`/${created.id}`)).json, created);
  });

  it('an update whose id differs from the path is refused', async () => {
    const created = (await api().post('', webinarTemplateBody())).json;
    const res = await api().put(`/${created.id}`, { ...webinarTemplateBody(), id: '1' });
    assertError(res, 'TEMPLATE_ID_MISMATCH', {
      message: errorMessage('TEMPLATE_ID_MISMATCH', { bodyId: '1', eventTemplateId: created.id }),
    });
  });

  it('a token create needs name, label and type, naming each one missing', async () => {
    const created = (await api().post('', webinarTemplateBody())).json;
    const res = await api().post(`/${created.id}/tokens`, { options: [] });
    assertInvalid(res, ['name', 'label', 'type']);
    assert.doesNotMatch(res.text, INTERNALS);
  });
});

describe('scalars coerced as Jackson does', () => {
  it('numbers and booleans where strings are expected are read as their text', async () => {
    const res = await api().post('', {
      name: 42,
      headerTemplate: true,
      tokens: [
        { name: 7, label: 8, type: 'string' },
        { name: 'e', label: 'E', type: 'enumeration', options: [{ label: 1, value: 2 }] },
      ],
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.name, '42');
    assert.equal(res.json.headerTemplate, 'true');
    assert.equal(res.json.tokens[0].name, '7');
    assert.equal(res.json.tokens[0].label, '8');
    assert.deepEqual(res.json.tokens[1].options, [{ label: '1', value: '2' }]);
  });

  it('an update takes the path id sent as a number', async () => {
    const created = (await api().post('', webinarTemplateBody())).json;
    const res = await api().put(`/${created.id}`, {
      ...webinarTemplateBody({ name: 'Renamed' }),
      id: Number(created.id),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.name, 'Renamed');
  });

  it('objects and arrays are still type errors, in plain words', async () => {
    const res = await api().post('', { name: { a: 1 }, tokens: {} });
    assertInvalid(res, ['name', 'tokens']);
    assert.deepEqual(res.json.errors.map((e: { message: string }) => e.message).sort(), [
      'name must be a string',
      'tokens must be an array',
    ]);
  });
});

describe('messages without internals', () => {
  it('a batch without inputs reads as HubSpot, not as the validator', async () => {
    const res = await test.request('POST', `${PREFIXES[0]}/events/batch/create`, { body: {} });
    assert.equal(res.status, 400);
    assert.doesNotMatch(res.text, INTERNALS);
    assert.match(
      res.json.message,
      /Cannot build BatchInputTimelineEvent, some of required attributes are not set \[inputs\]/,
    );
  });
});
