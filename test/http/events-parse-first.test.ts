/**
 * Parsing comes first, for the whole body (HubSpot deserializes it before any rule runs): a malformed
 * input fails the whole request with HubSpot's message and its line and column, and nothing is
 * stored; scalars are coerced as Jackson does; number tokens take only what Java's parser takes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTemplate, PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let templateId: string;
const [V3] = PREFIXES;

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server);
});
after(() => server.close());

const sendRaw = (path: string, body: string) => server.request('POST', `${V3}${path}`, { body });

/** 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1) as string).length + 1 };
}

describe('a malformed input fails the whole batch', () => {
  it("answers HubSpot's message with the line and column just past the input lacking eventTemplateId", async () => {
    const good = `{"eventTemplateId":"${templateId}","id":"parse-first-good","email":"pf@example.com","tokens":{}}`;
    const bad = '{"email":"pf@example.com","tokens":{"webinarName":"x"}}';
    const body = `{"inputs":[${good},${bad}]}`;
    const response = await sendRaw('/events/batch/create', body);
    assert.equal(response.status, 400, response.text);
    const { line, column } = position(body, body.indexOf(bad) + bad.length);
    assert.equal(
      response.json.message,
      `Invalid input JSON on line ${line}, column ${column}: Cannot build TimelineEvent, some of required attributes are not set [eventTemplateId]`,
    );
    assert.equal(response.json.category, 'VALIDATION_ERROR');
    assert.deepEqual(response.json.errors, [
      {
        message: 'Cannot build TimelineEvent, some of required attributes are not set [eventTemplateId]',
        code: 'REQUIRED_FIELD',
        in: 'inputs[1].eventTemplateId',
      },
    ]);
    // Nothing of the batch is stored, not even the valid input.
    const stored = await server.request('GET', `${V3}/events/${templateId}/parse-first-good`);
    assert.equal(stored.status, 404);
  });

  it('names every required field the builder misses, and counts lines of a pretty-printed body', async () => {
    const body = `{\n  "inputs": [\n    {"email": "pf@example.com"}\n  ]\n}`;
    const response = await sendRaw('/events/batch/create', body);
    assert.equal(response.status, 400);
    const { line, column } = position(body, body.indexOf('}') + 1);
    assert.equal(line, 3);
    assert.equal(
      response.json.message,
      `Invalid input JSON on line 3, column ${column}: Cannot build TimelineEvent, some of required attributes are not set [eventTemplateId, tokens]`,
    );
  });

  const impossible: [string, unknown, string, string][] = [
    ['an input that is not an object', 'just text', 'inputs[1]', 'TimelineEvent` from String'],
    ['an objectId that is an object', { objectId: { id: 1 } }, 'inputs[1].objectId', 'String` from Object'],
    ['tokens that are an array', { tokens: ['a'] }, 'inputs[1].tokens', 'Map<String, String>` from Array'],
    [
      'a token value that is an object',
      { tokens: { webinarName: {} } },
      'inputs[1].tokens.webinarName',
      'String` from Object',
    ],
    ['a timestamp that is a boolean', { timestamp: true }, 'inputs[1].timestamp', 'Instant` from Boolean'],
    [
      'a timelineIFrame width that is no integer',
      {
        timelineIFrame: { linkLabel: 'a', headerLabel: 'b', url: 'https://e.com', width: 'wide', height: 1 },
      },
      'inputs[1].timelineIFrame.width',
      'int` from String',
    ],
  ];
  for (const [name, change, field, words] of impossible) {
    it(`refuses ${name}: 400 naming ${field}, nothing stored`, async () => {
      const id = `impossible-${field}`;
      const second =
        typeof change === 'string'
          ? change
          : { eventTemplateId: templateId, email: 'pf@example.com', tokens: {}, ...(change as object) };
      const body = JSON.stringify({
        inputs: [{ eventTemplateId: templateId, id, email: 'pf@example.com', tokens: {} }, second],
      });
      const response = await sendRaw('/events/batch/create', body);
      assert.equal(response.status, 400, response.text);
      assert.match(
        response.json.message,
        /^Invalid input JSON on line 1, column \d+: Cannot deserialize value of type `/,
      );
      assert.ok(response.json.message.includes(words), response.json.message);
      assert.equal(response.json.errors[0].in, field);
      assert.equal((await server.request('GET', `${V3}/events/${templateId}/${id}`)).status, 404);
    });
  }

  it('points at the offending value itself for a type mismatch', async () => {
    const body = `{"inputs":[{"eventTemplateId":"${templateId}","tokens":{},"utk":[1]}]}`;
    const response = await sendRaw('/events/batch/create', body);
    const { column } = position(body, body.indexOf('[1]'));
    assert.match(response.json.message, new RegExp(`^Invalid input JSON on line 1, column ${column}: `));
  });

  it('keeps failures found after parsing as per-input errors of a 207', async () => {
    const response = await server.request('POST', `${V3}/events/batch/create`, {
      body: {
        inputs: [
          { eventTemplateId: '424242', email: 'pf@example.com', tokens: {} },
          { eventTemplateId: templateId, email: 'pf@example.com', tokens: {} },
        ],
      },
    });
    assert.equal(response.status, 207, response.text);
    assert.equal(response.json.numErrors, 1);
  });
});

describe('the single create parses first too', () => {
  it('refuses a body without eventTemplateId with the line and column', async () => {
    const body = '{"email":"single@example.com","tokens":{}}';
    const response = await sendRaw('/events', body);
    assert.equal(response.status, 400);
    assert.equal(
      response.json.message,
      `Invalid input JSON on line 1, column ${body.length + 1}: Cannot build TimelineEvent, some of required attributes are not set [eventTemplateId]`,
    );
  });

  it('refuses a timelineIFrame without headerLabel in HubSpot words, not ours', async () => {
    const response = await server.request('POST', `${V3}/events`, {
      body: {
        eventTemplateId: templateId,
        email: 'single@example.com',
        tokens: {},
        timelineIFrame: { linkLabel: 'a', url: 'https://e.com', width: 1, height: 2 },
      },
    });
    assert.equal(response.status, 400);
    assert.match(
      response.json.message,
      /Cannot build TimelineIFrame, some of required attributes are not set \[headerLabel\]$/,
    );
    assert.doesNotMatch(response.text, /undefined/);
  });

  it('answers a body-less create in Jackson words', async () => {
    const response = await server.request('POST', `${V3}/events`);
    assert.equal(response.status, 400);
    assert.equal(
      response.json.message,
      'Invalid input JSON on line 1, column 1: No content to map due to end-of-input',
    );
  });
});

describe('scalars coerced as Jackson does', () => {
  it('takes numbers and booleans where strings are expected and numeric strings where integers are', async () => {
    const response = await server.request('POST', `${V3}/events`, {
      body: {
        eventTemplateId: Number(templateId),
        id: 123,
        email: 'coerce@example.com',
        tokens: { webinarName: true, seats: 3 },
        timelineIFrame: { linkLabel: 1, headerLabel: 'H', url: 'https://e.com', width: '600', height: 400 },
      },
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.json.id, '123');
    assert.equal(response.json.eventTemplateId, templateId);
    assert.deepEqual(response.json.tokens, { webinarName: 'true', seats: '3' });
    assert.deepEqual(response.json.timelineIFrame, {
      linkLabel: '1',
      headerLabel: 'H',
      url: 'https://e.com',
      width: 600,
      height: 400,
    });
  });

  it('number tokens take what Java reads as a number, and nothing else', async () => {
    const accepted = ['1e3', '-2.5', '+4', '.5', '3.', '0'];
    const refused = ['0x10', '0b11', '0o7', ' 3 ', '3 ', '', 'Infinity', 'NaN', '1_000'];
    const response = await server.request('POST', `${V3}/events/batch/create`, {
      body: {
        inputs: [...accepted, ...refused].map((seats) => ({
          eventTemplateId: templateId,
          email: 'numbers@example.com',
          tokens: { seats },
        })),
      },
    });
    assert.equal(response.status, 207, response.text);
    assert.deepEqual(
      response.json.results.map((event: { tokens: { seats: string } }) => event.tokens.seats),
      accepted,
    );
    const failed = response.json.errors.map((error: { context: { inputIndex: string[] } }) =>
      Number(error.context.inputIndex[0]),
    );
    assert.deepEqual(
      failed.sort((a: number, b: number) => a - b),
      refused.map((_, i) => accepted.length + i),
    );
    for (const error of response.json.errors) assert.equal(error.errors[0].in, 'tokens.seats');
  });
});
