/**
 * The whole-body check: a body whose text holds no suspicious
 * escape skips the look at every string, so these cases pin that the shortcut never lets a bad body
 * through and never refuses a good one.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bodyProblem, setOwn, tooDeepAt } from '../../src/domain/json.js';

const check = (text: string, maxDepth = 100) => bodyProblem(JSON.parse(text), maxDepth, text);

it('a body without escapes passes; escaped U+0000 and lone surrogates are found wherever they are', () => {
  assert.equal(check('{"inputs":[{"tokens":{"a":"plain é 😀"}}]}'), undefined);
  assert.deepEqual(check('{"inputs":[{"tokens":{"a":"x\\u0000"}}]}'), {
    path: ['inputs', 0, 'tokens', 'a'],
    problem: 'text',
  });
  assert.deepEqual(check('{"inputs":[{"extraData":{"k\\uDC00":1}}]}'), {
    path: ['inputs', 0, 'extraData', 'k\uDC00'],
    problem: 'text',
  });
  assert.deepEqual(check('["\\ud83d"]'), { path: [0], problem: 'text' });
});

it('escapes that only look suspicious do not refuse the body', () => {
  // An escaped backslash before "u0000" is the six characters \u0000, not U+0000.
  assert.equal(check('{"a":"\\\\u0000"}'), undefined);
  // A well-formed surrogate pair written as escapes is one character.
  assert.equal(check('{"a":"\\ud83d\\ude00"}'), undefined);
});

it('depth is measured with and without the text', () => {
  const deep = `${'['.repeat(101)}${']'.repeat(101)}`;
  assert.equal(check(deep)?.problem, 'depth');
  assert.equal(bodyProblem(JSON.parse(deep), 100)?.problem, 'depth');
  assert.equal(check(`${'['.repeat(100)}${']'.repeat(100)}`), undefined);
  assert.deepEqual(tooDeepAt({ a: [{ b: {} }] }, 3), ['a', 0, 'b']);
  assert.equal(tooDeepAt({ a: [{ b: {} }] }, 4), undefined);
});

it('setOwn keeps __proto__ as data and assigns every other name', () => {
  const target: Record<string, string> = {};
  setOwn(target, '__proto__', 'x');
  setOwn(target, 'constructor', 'y');
  assert.deepEqual(Object.entries(target), [
    ['__proto__', 'x'],
    ['constructor', 'y'],
  ]);
  assert.equal(Object.getPrototypeOf(target), Object.prototype);
});
