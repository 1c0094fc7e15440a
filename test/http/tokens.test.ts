/**
 * Operations 11 to 13 over raw HTTP, under both prefixes: tokens of an event template. The server
 * allows 3 tokens per template (`maxTokensPerTemplate`), so the limit is reachable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessage } from '../../src/errors.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  assertError,
  assertInvalid,
  assertJsonAnswer,
  assertNoContent,
  assertWireToken,
  PREFIXES,
  templatesApi,
} from './template-helpers.js';

const MAX_TOKENS = 3;
let test: TestServer;

before(async () => {
  test = await startTestServer({ maxTokensPerTemplate: String(MAX_TOKENS) });
});

after(async () => {
  await test?.close();
});

const LEVELS = [
  { label: 'Beginner', value: 'beginner' },
  { label: 'Expert', value: 'expert' },
];

for (const prefix of PREFIXES) {
  describe(`tokens under ${prefix}`, () => {
    const api = () => templatesApi(test, prefix);

    /** A template with one string token `title` and one enumeration token `level`. */
    async function createTemplate() {
      const res = await api().post('', {
        name: 'Course',
        objectType: 'contacts',
        headerTemplate: '{{title}}',
        tokens: [
          { name: 'title', label: 'Title', type: 'string' },
          { name: 'level', label: 'Level', type: 'enumeration', options: LEVELS },
        ],
      });
      assert.equal(res.status, 201, res.text);
      return res.json;
    }

    const tokensOf = async (templateId: string) => (await api().get(`/${templateId}`)).json.tokens;

    describe('create', () => {
      it('answers 200 (not 201) with the token, and adds it to the template', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'score',
          label: 'Score',
          type: 'number',
          objectPropertyName: 'course_score',
        });
        assert.equal(res.status, 200, res.text);
        assertJsonAnswer(res);
        assertWireToken(res.json);
        assert.equal(res.json.name, 'score');
        assert.equal(res.json.label, 'Score');
        assert.equal(res.json.type, 'number');
        assert.deepEqual(res.json.options, []);
        assert.equal(res.json.objectPropertyName, 'course_score');
        assert.equal(res.json.createdAt, res.json.updatedAt);
        const tokens = await tokensOf(template.id);
        assert.deepEqual(
          tokens.map((t: { name: string }) => t.name),
          ['title', 'level', 'score'],
        );
        assert.deepEqual(tokens[2], res.json);
      });

      it('keeps the options of an enumeration token', async () => {
        const template = await createTemplate();
        const options = [
          { label: 'Red', value: 'r' },
          { label: 'Green', value: 'g' },
        ];
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'color',
          label: 'Color',
          type: 'enumeration',
          options,
        });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.json.options, options);
        assert.equal('objectPropertyName' in res.json, false);
        assert.deepEqual((await tokensOf(template.id))[2].options, options);
      });

      it('answers 409 CONFLICT for a name the template already has', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, { name: 'title', label: 'T', type: 'number' });
        assertError(res, 'TOKEN_NAME_TAKEN', {
          message: errorMessage('TOKEN_NAME_TAKEN', { tokenName: 'title', eventTemplateId: template.id }),
          in: ['name'],
        });
        assert.deepEqual(await tokensOf(template.id), template.tokens);
      });

      for (const name of ['bad name', 'a+b', 'ünï', '']) {
        it(`refuses the name ${JSON.stringify(name)}`, async () => {
          const template = await createTemplate();
          const res = await api().post(`/${template.id}/tokens`, { name, label: 'x', type: 'string' });
          assertInvalid(res, ['name']);
          assert.deepEqual(await tokensOf(template.id), template.tokens);
        });
      }

      it('refuses a type not one of string, number, date, enumeration', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, { name: 'b', label: 'B', type: 'bool' });
        assertInvalid(res, ['type']);
      });

      it('refuses a missing name, label and type, naming each', async () => {
        const template = await createTemplate();
        assertInvalid(await api().post(`/${template.id}/tokens`, {}), ['name', 'label', 'type']);
      });

      it('refuses an enumeration without options', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'e',
          label: 'E',
          type: 'enumeration',
        });
        assertInvalid(res, ['options']);
      });

      it('refuses an enumeration with empty options', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'e',
          label: 'E',
          type: 'enumeration',
          options: [],
        });
        assertInvalid(res, ['options']);
      });

      it('refuses an enumeration with a duplicate option value', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'e',
          label: 'E',
          type: 'enumeration',
          options: [...LEVELS, { label: 'Beginner again', value: 'beginner' }],
        });
        assertInvalid(res, ['options[2].value']);
      });

      it('refuses an option without value', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'e',
          label: 'E',
          type: 'enumeration',
          options: [{ label: 'No value' }],
        });
        assertInvalid(res, ['options[0].value']);
      });

      it('lists every bad field at once', async () => {
        const template = await createTemplate();
        const res = await api().post(`/${template.id}/tokens`, {
          name: 'bad name',
          label: ['7'],
          type: 'bool',
        });
        assertInvalid(res, ['name', 'label', 'type']);
      });

      it(`refuses a token beyond the limit of ${MAX_TOKENS} per template`, async () => {
        const template = await createTemplate();
        const third = await api().post(`/${template.id}/tokens`, { name: 'c', label: 'C', type: 'date' });
        assert.equal(third.status, 200, third.text);
        const res = await api().post(`/${template.id}/tokens`, { name: 'd', label: 'D', type: 'date' });
        assertError(res, 'TOKEN_LIMIT_REACHED', {
          message: errorMessage('TOKEN_LIMIT_REACHED', { limit: MAX_TOKENS }),
        });
        assert.equal((await tokensOf(template.id)).length, MAX_TOKENS);
      });

      it('keeps every token of concurrent creates', async () => {
        const res = await api().post('', { name: 'Concurrent', tokens: [] });
        assert.equal(res.status, 201);
        const created = await Promise.all(
          ['x', 'y', 'z'].map((name) =>
            api().post(`/${res.json.id}/tokens`, { name, label: name, type: 'string' }),
          ),
        );
        for (const answer of created) assert.equal(answer.status, 200, answer.text);
        const names = (await tokensOf(res.json.id)).map((t: { name: string }) => t.name).sort();
        assert.deepEqual(names, ['x', 'y', 'z']);
      });

      it('lets exactly one of concurrent creates of one name win', async () => {
        const template = await createTemplate();
        const answers = await Promise.all(
          [1, 2, 3].map((i) =>
            api().post(`/${template.id}/tokens`, { name: 'same', label: `L${i}`, type: 'string' }),
          ),
        );
        assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409]);
        const tokens = await tokensOf(template.id);
        assert.equal(tokens.filter((t: { name: string }) => t.name === 'same').length, 1);
      });

      it('holds the limit under concurrent creates', async () => {
        const template = await createTemplate();
        const answers = await Promise.all(
          ['p', 'q', 'r'].map((name) =>
            api().post(`/${template.id}/tokens`, { name, label: name, type: 'string' }),
          ),
        );
        assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400]);
        for (const answer of answers.filter((a) => a.status === 400))
          assertError(answer, 'TOKEN_LIMIT_REACHED');
        assert.equal((await tokensOf(template.id)).length, MAX_TOKENS);
      });

      it('answers 404 for an unknown template', async () => {
        const res = await api().post('/999999999/tokens', { name: 'a', label: 'A', type: 'string' });
        assertError(res, 'TEMPLATE_NOT_FOUND', {
          message: errorMessage('TEMPLATE_NOT_FOUND', { eventTemplateId: '999999999', appId: test.appId }),
        });
      });
    });

    describe('the token limit on template create and update', () => {
      const four = ['a', 'b', 'c', 'd'].map((name) => ({ name, label: name, type: 'string' }));

      it(`refuses a template with more than ${MAX_TOKENS} tokens, naming tokens`, async () => {
        const before = (await api().get('')).json.results.length;
        assertInvalid(await api().post('', { name: 'Too many', tokens: four }), ['tokens']);
        assert.equal((await api().get('')).json.results.length, before);
      });

      it(`accepts exactly ${MAX_TOKENS} tokens`, async () => {
        const res = await api().post('', { name: 'Just enough', tokens: four.slice(0, MAX_TOKENS) });
        assert.equal(res.status, 201, res.text);
        assert.equal(res.json.tokens.length, MAX_TOKENS);
      });

      it(`refuses an update to more than ${MAX_TOKENS} tokens`, async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}`, { id: template.id, name: 'Course', tokens: four });
        assertInvalid(res, ['tokens']);
        assert.deepEqual(await tokensOf(template.id), template.tokens);
      });
    });

    describe('update', () => {
      it('answers 200 and changes label, options and objectPropertyName', async () => {
        const template = await createTemplate();
        const options = [
          { label: 'Novice', value: 'novice' },
          { label: 'Guru', value: 'guru' },
          { label: 'Expert', value: 'expert' },
        ];
        const res = await api().put(`/${template.id}/tokens/level`, {
          label: 'Skill level',
          options,
          objectPropertyName: 'skill_level',
        });
        assert.equal(res.status, 200, res.text);
        assertJsonAnswer(res);
        assertWireToken(res.json);
        assert.equal(res.json.name, 'level');
        assert.equal(res.json.type, 'enumeration');
        assert.equal(res.json.label, 'Skill level');
        assert.deepEqual(res.json.options, options);
        assert.equal(res.json.objectPropertyName, 'skill_level');
        const old = template.tokens[1];
        assert.equal(res.json.createdAt, old.createdAt);
        assert.ok(res.json.updatedAt >= old.updatedAt);
        const tokens = await tokensOf(template.id);
        assert.deepEqual(tokens[1], res.json);
        assert.deepEqual(tokens[0], template.tokens[0]);
      });

      it('accepts the same name and type in the body', async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}/tokens/title`, {
          name: 'title',
          type: 'string',
          label: 'Course title',
        });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.label, 'Course title');
        assert.deepEqual(res.json.options, []);
      });

      it('refuses a name change, naming name', async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}/tokens/title`, { name: 'heading', label: 'X' });
        assertInvalid(res, ['name']);
        assert.deepEqual(await tokensOf(template.id), template.tokens);
      });

      it('refuses a type change, naming type', async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}/tokens/title`, { type: 'number', label: 'X' });
        assertInvalid(res, ['type']);
        assert.deepEqual(await tokensOf(template.id), template.tokens);
      });

      it('refuses a name and a type change together, naming both', async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}/tokens/title`, {
          name: 'heading',
          type: 'date',
          label: 'X',
        });
        assertInvalid(res, ['name', 'type']);
      });

      it('refuses a missing label', async () => {
        const template = await createTemplate();
        assertInvalid(await api().put(`/${template.id}/tokens/title`, {}), ['label']);
      });

      it('refuses empty or duplicate options of an enumeration', async () => {
        const template = await createTemplate();
        assertInvalid(await api().put(`/${template.id}/tokens/level`, { label: 'L', options: [] }), [
          'options',
        ]);
        const duplicate = [...LEVELS, { label: 'Again', value: 'expert' }];
        assertInvalid(await api().put(`/${template.id}/tokens/level`, { label: 'L', options: duplicate }), [
          'options[2].value',
        ]);
        assert.deepEqual(await tokensOf(template.id), template.tokens);
      });

      it('reads a percent-encoded token name', async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}/tokens/%74itle`, { label: 'Encoded' });
        assert.equal(res.status, 200, res.text);
        assert.equal((await tokensOf(template.id))[0].label, 'Encoded');
      });

      it('refuses a bad body with 400 even when the token does not exist', async () => {
        const template = await createTemplate();
        assertInvalid(await api().put(`/${template.id}/tokens/nope`, { label: { text: 5 } }), ['label']);
      });

      it('answers 404 for an unknown token', async () => {
        const template = await createTemplate();
        const res = await api().put(`/${template.id}/tokens/nope`, { label: 'X' });
        assertError(res, 'TOKEN_NOT_FOUND', {
          message: errorMessage('TOKEN_NOT_FOUND', { tokenName: 'nope', eventTemplateId: template.id }),
        });
      });

      it('answers 404 for an unknown template', async () => {
        const res = await api().put('/999999999/tokens/title', { label: 'X' });
        assertError(res, 'TEMPLATE_NOT_FOUND', {
          message: errorMessage('TEMPLATE_NOT_FOUND', { eventTemplateId: '999999999', appId: test.appId }),
        });
      });
    });

    describe('archive', () => {
      it('answers 204 with an empty body and removes only that token', async () => {
        const template = await createTemplate();
        assertNoContent(await api().delete(`/${template.id}/tokens/title`));
        const tokens = await tokensOf(template.id);
        assert.deepEqual(
          tokens.map((t: { name: string }) => t.name),
          ['level'],
        );
        assert.deepEqual(tokens[0], template.tokens[1]);
        assertError(await api().delete(`/${template.id}/tokens/title`), 'TOKEN_NOT_FOUND', {
          message: errorMessage('TOKEN_NOT_FOUND', { tokenName: 'title', eventTemplateId: template.id }),
        });
      });

      it('frees the name for a new token', async () => {
        const template = await createTemplate();
        assertNoContent(await api().delete(`/${template.id}/tokens/title`));
        const res = await api().post(`/${template.id}/tokens`, { name: 'title', label: 'T', type: 'number' });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.type, 'number');
      });

      it('answers 404 for an unknown token', async () => {
        const template = await createTemplate();
        assertError(await api().delete(`/${template.id}/tokens/nope`), 'TOKEN_NOT_FOUND');
        assert.deepEqual(await tokensOf(template.id), template.tokens);
      });

      it('answers 404 for an unknown template', async () => {
        assertError(await api().delete('/999999999/tokens/title'), 'TEMPLATE_NOT_FOUND');
      });
    });
  });
}
