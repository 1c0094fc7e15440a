/**
 * Rules for token definitions (on template create and update, and on token create and update)
 * that JSON Schema cannot say: enumeration options, distinct values, the name pattern.
 */
import type { ErrorDetail } from '../errors.js';
import { type TemplateToken, TOKEN_NAME_PATTERN, type TokenOption, type TokenType } from './types.js';

export interface TokenInput {
  name: string;
  label: string;
  type: TokenType;
  options?: TokenOption[];
  objectPropertyName?: string;
}

/** Problems of one token definition; `at` prefixes each field path (`tokens[2].`). */
export function tokenProblems(token: TokenInput, at: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (!TOKEN_NAME_PATTERN.test(token.name)) {
    problems.push({
      message: `Token name '${token.name}' may only hold letters, digits, '.', '-' and '_'`,
      code: 'INVALID_FORMAT',
      in: `${at}name`,
    });
  }
  problems.push(...optionProblems(token.type, token.options, at));
  return problems;
}

export function optionProblems(
  type: TokenType,
  options: TokenOption[] | undefined,
  at: string,
): ErrorDetail[] {
  if (type !== 'enumeration') return [];
  if (!options || options.length === 0) {
    return [
      {
        message: 'An enumeration token needs a non-empty options list',
        code: 'REQUIRED_FIELD',
        in: `${at}options`,
      },
    ];
  }
  const seen = new Set<string>();
  const problems: ErrorDetail[] = [];
  options.forEach((option, i) => {
    if (seen.has(option.value)) {
      problems.push({
        message: `Option value '${option.value}' appears more than once`,
        code: 'DUPLICATE_VALUE',
        in: `${at}options[${i}].value`,
      });
    }
    seen.add(option.value);
  });
  return problems;
}

/** Names used more than once in one template's token list. */
export function duplicateNameProblems(tokens: TokenInput[]): ErrorDetail[] {
  const seen = new Set<string>();
  const problems: ErrorDetail[] = [];
  tokens.forEach((token, i) => {
    if (seen.has(token.name)) {
      problems.push({
        message: `Token name '${token.name}' appears more than once`,
        code: 'DUPLICATE_VALUE',
        in: `tokens[${i}].name`,
      });
    }
    seen.add(token.name);
  });
  return problems;
}

export function toTemplateToken(input: TokenInput, now: number): TemplateToken {
  const token: TemplateToken = {
    name: input.name,
    label: input.label,
    type: input.type,
    // HubSpot answers `options: []` for every non-enumeration token.
    options:
      input.type === 'enumeration' ? (input.options ?? []).map(({ label, value }) => ({ label, value })) : [],
    createdAt: now,
    updatedAt: now,
  };
  if (input.objectPropertyName !== undefined) token.objectPropertyName = input.objectPropertyName;
  return token;
}
