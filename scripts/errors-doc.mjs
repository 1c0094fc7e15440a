// Prints docs/errors.md from the error catalogue (src/errors.ts, compiled): `npm run build && node scripts/errors-doc.mjs > docs/errors.md`.
// test/docs/errors-doc.test.ts fails when the file and the catalogue disagree.
import { ErrorCatalogue } from '../dist/src/errors.js';

const lines = [
  '# Error codes',
  '',
  "Every error this server answers, from its one catalogue (`src/errors.ts`). Each non-2xx body is HubSpot's",
  '`Error` envelope: `status: "error"`, `message`, `correlationId` (also the `X-HubSpot-Correlation-Id` header),',
  '`category`, and where there is more to say `errors` (one entry per problem, `in` naming the field) and `context`.',
  'Failed inputs of a batch come back as `StandardError` items of a 207 instead, with the same category and message;',
  'the single create answers them with the status below.',
  '',
  '| code | status | category | message |',
  '|---|---|---|---|',
];
for (const [code, spec] of Object.entries(ErrorCatalogue)) {
  lines.push(`| ${code} | ${spec.status} | ${spec.category} | ${spec.message.replaceAll('|', '\\|')} |`);
}
console.log(lines.join('\n'));
