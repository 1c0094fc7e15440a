/**
 * docs/errors.md lists every code of the catalogue with its status, category and message, and how
 * the current OAuth API answers each OAuth code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { ErrorCatalogue } from '../../src/errors.js';
import { CURRENT_OAUTH_ANSWERS } from '../../src/http/oauth-error-answers.js';

const REGENERATE = 'regenerate with: npm run build && node scripts/errors-doc.mjs > docs/errors.md';

it('docs/errors.md matches the error catalogue row for row', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| [A-Z_]+ \|/.test(line));
  const expected = Object.entries(ErrorCatalogue).map(
    ([code, spec]) =>
      `| ${code} | ${spec.status} | ${spec.category} | ${spec.message.replaceAll('|', '\\|')} |`,
  );
  assert.deepEqual(rows, expected, REGENERATE);
});

it("docs/errors.md's OAuth table matches the current OAuth API's answers", () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| `OAUTH_[A-Z_]+` \|/.test(line));
  const expected = Object.entries(CURRENT_OAUTH_ANSWERS).map(
    ([code, answer]) =>
      `| \`${code}\` | ${answer.status} | ${answer.category} | ${answer.error} | ${answer.field ?? '(the one named)'} |`,
  );
  assert.deepEqual(rows, expected, REGENERATE);
});
