/** docs/errors.md lists every code of the catalogue with its status, category and message. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { ErrorCatalogue } from '../../src/errors.js';

it('docs/errors.md matches the error catalogue row for row', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| [A-Z_]+ \|/.test(line));
  const expected = Object.entries(ErrorCatalogue).map(
    ([code, spec]) =>
      `| ${code} | ${spec.status} | ${spec.category} | ${spec.message.replaceAll('|', '\\|')} |`,
  );
  assert.deepEqual(
    rows,
    expected,
    'regenerate with: npm run build && node scripts/errors-doc.mjs > docs/errors.md',
  );
});
