/**
 * The shape of a template create body, as the route's JSON Schema (`http/schemas/template-schemas.ts`)
 * checks it, for callers that do not come through that route (the seed fixture): presence and types,
 * each problem naming its field. The HubSpot rules beyond shape are TemplateService's.
 */
import type { ErrorDetail } from '../errors.js';
import { isObject } from './json.js';
import { TOKEN_TYPES } from './types.js';

function stringField(
  body: Record<string, unknown>,
  field: string,
  at: string,
  problems: ErrorDetail[],
  options: { required?: boolean; nonEmpty?: boolean } = {},
): void {
  const value = body[field];
  if (value === undefined) {
    if (options.required)
      problems.push({ message: `${at}${field} is required`, code: 'REQUIRED_FIELD', in: `${at}${field}` });
    return;
  }
  if (typeof value !== 'string' || (options.nonEmpty && value === ''))
    problems.push({
      message: `${at}${field} must be a${options.nonEmpty ? ' non-empty' : ''} string`,
      code: 'INVALID_TYPE',
      in: `${at}${field}`,
    });
}

export function templateShapeProblems(body: unknown): ErrorDetail[] {
  if (!isObject(body))
    return [{ message: 'The template must be an object', code: 'INVALID_TYPE', in: 'body' }];
  const problems: ErrorDetail[] = [];
  stringField(body, 'name', '', problems, { required: true, nonEmpty: true });
  for (const field of ['objectType', 'headerTemplate', 'detailTemplate'])
    stringField(body, field, '', problems);
  if (body.tokens === undefined) return problems;
  if (!Array.isArray(body.tokens)) {
    problems.push({ message: 'tokens must be an array', code: 'INVALID_TYPE', in: 'tokens' });
    return problems;
  }
  body.tokens.forEach((token, i) => {
    const at = `tokens[${i}].`;
    if (!isObject(token)) {
      problems.push({ message: `tokens[${i}] must be an object`, code: 'INVALID_TYPE', in: `tokens[${i}]` });
      return;
    }
    stringField(token, 'name', at, problems, { required: true, nonEmpty: true });
    stringField(token, 'label', at, problems, { required: true });
    stringField(token, 'objectPropertyName', at, problems, { nonEmpty: true });
    if (token.type === undefined)
      problems.push({ message: `${at}type is required`, code: 'REQUIRED_FIELD', in: `${at}type` });
    else if (!(TOKEN_TYPES as readonly unknown[]).includes(token.type))
      problems.push({
        message: `${at}type must be one of ${TOKEN_TYPES.join(', ')}`,
        code: 'INVALID_ENUM',
        in: `${at}type`,
      });
    if (token.options !== undefined) {
      const valid =
        Array.isArray(token.options) &&
        token.options.every((o) => isObject(o) && typeof o.label === 'string' && typeof o.value === 'string');
      if (!valid)
        problems.push({
          message: `${at}options must be an array of {label, value} strings`,
          code: 'INVALID_TYPE',
          in: `${at}options`,
        });
    }
  });
  return problems;
}
