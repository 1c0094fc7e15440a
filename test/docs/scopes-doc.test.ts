/** The scopes table of docs/compatibility.md is the API version table's, operation for operation. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';

it('docs/compatibility.md shows the scopes of the API version table', async () => {
  // scripts/ is beside dist/ in the repository; the test runs from dist/test/docs.
  const generator = (await import(new URL('../../../scripts/scopes-doc.mjs', import.meta.url).href)) as {
    withScopesTable(doc: string): string;
  };
  const doc = readFileSync('docs/compatibility.md', 'utf8');
  assert.equal(
    generator.withScopesTable(doc),
    doc,
    'regenerate with: npm run build && node scripts/scopes-doc.mjs --write',
  );
});
