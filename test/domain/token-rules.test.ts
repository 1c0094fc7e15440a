/** The token rules of templates, as pure functions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  duplicateNameProblems,
  mergeProblems,
  tokenChangeProblems,
  tokenProblems,
  toTemplateToken,
} from '../../src/domain/token-rules.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');

describe('token rules', () => {
  it('takes letters, digits, dot, dash and underscore in a name, and nothing else', () => {
    assert.deepEqual(tokenProblems({ name: 'a.b-c_9', label: 'x', type: 'string' }, 'tokens[0].'), []);
    const [problem] = tokenProblems({ name: 'has space', label: 'x', type: 'string' }, 'tokens[2].');
    assert.equal(problem?.in, 'tokens[2].name');
    assert.equal(problem?.code, 'INVALID_FORMAT');
  });

  it('requires options for an enumeration and names the field', () => {
    const problems = tokenProblems(
      { name: 'tier', label: 'Tier', type: 'enumeration', options: [] },
      'tokens[0].',
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.in, 'tokens[0].options');
  });

  it('finds each repeated name once', () => {
    const problems = duplicateNameProblems([{ name: 'a' }, { name: 'b' }, { name: 'a' }, { name: 'a' }]);
    assert.ok(problems.length >= 1);
    assert.ok(
      problems.every((p) => p.code === 'DUPLICATE_VALUE'),
      JSON.stringify(problems),
    );
    assert.deepEqual(duplicateNameProblems([{ name: 'a' }, { name: 'b' }]), []);
  });

  it('refuses a change of name or type in a token update', () => {
    const old = toTemplateToken({ name: 'plan', label: 'Plan', type: 'string' }, T0);
    assert.deepEqual(
      tokenChangeProblems(old, { name: 'other', type: 'number', label: 'x' }).map((p) => p.in),
      ['name', 'type'],
    );
    assert.deepEqual(tokenChangeProblems(old, { label: 'New label' }), []);
  });

  it('answers options [] for a non-enumeration token, as HubSpot does', () => {
    const token = toTemplateToken(
      { name: 'n', label: 'N', type: 'number', options: [{ label: 'x', value: 'x' }] },
      T0,
    );
    assert.deepEqual(token.options, []);
    assert.equal(token.createdAt, T0);
  });

  it('lists a field the schema already named once', () => {
    const merged = mergeProblems(
      [{ message: 'schema', in: 'name' }],
      [
        { message: 'domain', in: 'name' },
        { message: 'other', in: 'label' },
      ],
    );
    assert.deepEqual(
      merged.map((p) => p.message),
      ['schema', 'other'],
    );
  });
});
