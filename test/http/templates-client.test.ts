/** Operations 6 to 13 through the official client (@hubspot/api-client), as integrators call them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TimelineEventTemplateTokenTypeEnum as TokenType } from '@hubspot/api-client/lib/codegen/crm/timeline/index.js';
import { errorMessage } from '../../src/errors.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { UUID } from './template-helpers.js';

/** The client's model objects as plain JSON values, to compare with literals. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

let test: TestServer;

before(async () => {
  test = await startTestServer();
});

after(async () => {
  await test?.close();
});

describe('event templates and tokens through the official client', () => {
  const templates = () => test.client.crm.timeline.templatesApi;
  const tokens = () => test.client.crm.timeline.tokensApi;

  async function createTemplate(name = 'Client template') {
    return templates().create(test.appId, {
      name,
      objectType: 'contacts',
      headerTemplate: 'Watched {{movie}}',
      detailTemplate: 'Rated {{rating}}',
      tokens: [
        { name: 'movie', label: 'Movie', type: TokenType.String },
        {
          name: 'rating',
          label: 'Rating',
          type: TokenType.Enumeration,
          options: [
            { label: 'Good', value: 'good' },
            { label: 'Bad', value: 'bad' },
          ],
        },
      ],
    });
  }

  it('templatesApi.create', async () => {
    const template = await createTemplate();
    assert.match(template.id, /^\d+$/);
    assert.equal(template.name, 'Client template');
    assert.equal(template.objectType, 'contacts');
    assert.equal(template.headerTemplate, 'Watched {{movie}}');
    assert.equal(template.detailTemplate, 'Rated {{rating}}');
    assert.ok(template.createdAt instanceof Date && !Number.isNaN(template.createdAt.getTime()));
    assert.ok(template.updatedAt instanceof Date && !Number.isNaN(template.updatedAt.getTime()));
    assert.deepEqual(plain(template.tokens.map((t) => [t.name, t.type, t.options])), [
      ['movie', 'string', []],
      [
        'rating',
        'enumeration',
        [
          { label: 'Good', value: 'good' },
          { label: 'Bad', value: 'bad' },
        ],
      ],
    ]);
  });

  it('templatesApi.getAll', async () => {
    const a = await createTemplate('All A');
    const b = await createTemplate('All B');
    const page = await templates().getAll(test.appId);
    const names = new Map(page.results.map((t) => [t.id, t.name]));
    assert.equal(names.get(a.id), 'All A');
    assert.equal(names.get(b.id), 'All B');
  });

  it('templatesApi.getById', async () => {
    const created = await createTemplate();
    const read = await templates().getById(created.id, test.appId);
    assert.deepEqual(read, created);
  });

  it('templatesApi.update', async () => {
    const created = await createTemplate();
    const updated = await templates().update(created.id, test.appId, {
      id: created.id,
      name: 'Renamed by client',
      headerTemplate: 'Saw {{movie}}',
      tokens: [{ name: 'movie', label: 'Film', type: TokenType.String }],
    });
    assert.equal(updated.id, created.id);
    assert.equal(updated.name, 'Renamed by client');
    assert.equal(updated.headerTemplate, 'Saw {{movie}}');
    assert.deepEqual(
      updated.tokens.map((t) => [t.name, t.label]),
      [['movie', 'Film']],
    );
    assert.deepEqual(await templates().getById(created.id, test.appId), updated);
  });

  it('templatesApi.archive', async () => {
    const created = await createTemplate();
    assert.equal(await templates().archive(created.id, test.appId), undefined);
    await assert.rejects(templates().getById(created.id, test.appId), { code: 404 });
  });

  it('tokensApi.create', async () => {
    const created = await createTemplate();
    const token = await tokens().create(created.id, test.appId, {
      name: 'year',
      label: 'Year',
      type: TokenType.Number,
      objectPropertyName: 'favorite_year',
    });
    assert.equal(token.name, 'year');
    assert.equal(token.label, 'Year');
    assert.equal(token.type, 'number');
    assert.deepEqual(token.options, []);
    assert.equal(token.objectPropertyName, 'favorite_year');
    assert.ok(token.createdAt instanceof Date);
    const read = await templates().getById(created.id, test.appId);
    assert.deepEqual(
      read.tokens.map((t) => t.name),
      ['movie', 'rating', 'year'],
    );
  });

  it('tokensApi.update', async () => {
    const created = await createTemplate();
    const token = await tokens().update(created.id, 'rating', test.appId, {
      label: 'Verdict',
      options: [{ label: 'Great', value: 'great' }],
      objectPropertyName: 'verdict',
    });
    assert.equal(token.name, 'rating');
    assert.equal(token.type, 'enumeration');
    assert.equal(token.label, 'Verdict');
    assert.deepEqual(plain(token.options), [{ label: 'Great', value: 'great' }]);
    assert.equal(token.objectPropertyName, 'verdict');
    const read = await templates().getById(created.id, test.appId);
    assert.deepEqual(read.tokens[1], token);
  });

  it('tokensApi.archive', async () => {
    const created = await createTemplate();
    assert.equal(await tokens().archive(created.id, 'movie', test.appId), undefined);
    const read = await templates().getById(created.id, test.appId);
    assert.deepEqual(
      read.tokens.map((t) => t.name),
      ['rating'],
    );
  });

  it('getById of an unknown template throws an ApiException 404 with HubSpot envelope', async () => {
    await assert.rejects(templates().getById('999999999', test.appId), (error: unknown) => {
      const e = error as { code: number; body: Record<string, unknown>; headers: Record<string, string> };
      assert.equal(e.code, 404);
      assert.equal(e.body.status, 'error');
      assert.equal(e.body.category, 'OBJECT_NOT_FOUND');
      assert.equal(
        e.body.message,
        errorMessage('TEMPLATE_NOT_FOUND', { eventTemplateId: '999999999', appId: test.appId }),
      );
      assert.match(String(e.body.correlationId), UUID);
      assert.equal(e.headers['x-hubspot-correlation-id'], e.body.correlationId);
      return true;
    });
  });

  it('a validation failure throws an ApiException 400 naming the field', async () => {
    await assert.rejects(
      templates().create(test.appId, { name: 'Bad', objectType: 'planets', tokens: [] }),
      (error: unknown) => {
        const e = error as { code: number; body: { category: string; errors: { in: string }[] } };
        assert.equal(e.code, 400);
        assert.equal(e.body.category, 'VALIDATION_ERROR');
        assert.deepEqual(
          e.body.errors.map((d) => d.in),
          ['objectType'],
        );
        return true;
      },
    );
  });

  it('a duplicate token throws an ApiException 409', async () => {
    const created = await createTemplate();
    await assert.rejects(
      tokens().create(created.id, test.appId, { name: 'movie', label: 'Again', type: TokenType.String }),
      (error: unknown) => {
        const e = error as { code: number; body: { category: string } };
        assert.equal(e.code, 409);
        assert.equal(e.body.category, 'CONFLICT');
        return true;
      },
    );
  });
});
