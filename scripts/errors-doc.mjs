// Prints docs/errors.md from the error catalogue (src/error-catalogue.ts, compiled): `npm run build && node scripts/errors-doc.mjs > docs/errors.md`.
// test/docs/errors-doc.test.ts fails when the file and the catalogue disagree.
import { ErrorCatalogue } from '../dist/src/error-catalogue.js';
import { CURRENT_OAUTH_ANSWERS } from '../dist/src/http/oauth-error-answers.js';

const lines = [
  '# Error codes',
  '',
  "Every error this server answers, from its one catalogue (`src/error-catalogue.ts`). Each non-2xx body is HubSpot's",
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
lines.push(
  '',
  '## OAuth',
  '',
  'The `OAUTH_` codes above are answered in two shapes. `/oauth/v1` keeps its legacy body',
  '`{status, message, correlationId}`, with the category above as `status` (`BAD_AUTH_CODE`, ...). The',
  "current API (`/oauth/v3`, `/oauth/2026-03`, `/oauth/2026-09`) answers HubSpot's envelope with the",
  'status and category below, the category above as `subCategory`, `errors[0].in` naming the field, and',
  "RFC 6749's `error` (below) and `error_description` (the message).",
  '',
  '| code | status | category | error | field |',
  '|---|---|---|---|---|',
);
for (const [code, answer] of Object.entries(CURRENT_OAUTH_ANSWERS)) {
  lines.push(
    `| \`${code}\` | ${answer.status} | ${answer.category} | ${answer.error} | ${answer.field ?? '(the one named)'} |`,
  );
}
console.log(lines.join('\n'));
