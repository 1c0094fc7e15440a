/**
 * Rules for token definitions (on template create and update, and on token create and update)
 * that JSON Schema cannot say: enumeration options, distinct values, the name pattern.
 */
import type { ErrorDetail } from '../errors.js';
import { isObject, type JsonObject } from './json.js';
import {
  reservedNameProblem,
  type TemplateToken,
  TOKEN_NAME_PATTERN,
  type TokenOption,
  type TokenType,
} from './types.js';

export interface TokenInput {
  name: string;
  label: string;
  type: TokenType;
  options?: TokenOption[];
  objectPropertyName?: string;
}

/** Reads a JSON value as an object, or `undefined` when it is not one. */
export function asRecord(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

/**
 * Problems of one token definition; `at` prefixes each field path (`tokens[2].`). The token may be
 * a body that failed the JSON Schema too (all problems are reported at once): a field of the wrong
 * type is skipped here, the schema has already named it.
 */
export function tokenProblems(value: unknown, at: string): ErrorDetail[] {
  const token = asRecord(value);
  if (!token) return [];
  const problems: ErrorDetail[] = [];
  if (typeof token.name === 'string' && !TOKEN_NAME_PATTERN.test(token.name)) {
    problems.push({
      message: `Token name '${token.name}' may only hold letters, digits, '.', '-' and '_'`,
      code: 'INVALID_FORMAT',
      in: `${at}name`,
    });
  }
  const reserved = typeof token.name === 'string' ? reservedNameProblem(token.name) : undefined;
  if (reserved !== undefined)
    problems.push({ message: `Token name ${reserved}`, code: 'INVALID_VALUE', in: `${at}name` });
  problems.push(...optionProblems(token.type, token.options, at));
  return problems;
}

/** Problems of the options of a token of `type` (only enumerations have options). */
export function optionProblems(type: unknown, options: unknown, at: string): ErrorDetail[] {
  if (type !== 'enumeration') return [];
  if (options === undefined || (Array.isArray(options) && options.length === 0)) {
    return [
      {
        message: 'An enumeration token needs a non-empty options list',
        code: 'REQUIRED_FIELD',
        in: `${at}options`,
      },
    ];
  }
  if (!Array.isArray(options)) return [];
  const seen = new Set<string>();
  const problems: ErrorDetail[] = [];
  options.forEach((option, i) => {
    const value = asRecord(option)?.value;
    if (typeof value !== 'string') return;
    if (seen.has(value)) {
      problems.push({
        message: `Option value '${value}' appears more than once`,
        code: 'DUPLICATE_VALUE',
        in: `${at}options[${i}].value`,
      });
    }
    seen.add(value);
  });
  return problems;
}

/** Names used more than once in one template's token list. */
export function duplicateNameProblems(tokens: readonly unknown[]): ErrorDetail[] {
  const seen = new Set<string>();
  const problems: ErrorDetail[] = [];
  tokens.forEach((token, i) => {
    const name = asRecord(token)?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name)) {
      problems.push({
        message: `Token name '${name}' appears more than once`,
        code: 'DUPLICATE_VALUE',
        in: `tokens[${i}].name`,
      });
    }
    seen.add(name);
  });
  return problems;
}

/** What a token update may not do: change the name or type, or give an enumeration bad options. */
export function tokenChangeProblems(old: TemplateToken, body: unknown): ErrorDetail[] {
  const input = asRecord(body) ?? {};
  const problems: ErrorDetail[] = [];
  if (typeof input.name === 'string' && input.name !== old.name) {
    problems.push({ message: "A token's name cannot change", code: 'INVALID_VALUE', in: 'name' });
  }
  if (typeof input.type === 'string' && input.type !== old.type) {
    problems.push({ message: "A token's type cannot change", code: 'INVALID_VALUE', in: 'type' });
  }
  problems.push(...optionProblems(old.type, input.options, ''));
  return problems;
}

/**
 * Schema problems first, then the domain's, leaving out a domain problem about a field the schema
 * already named: the caller sees every bad field once.
 */
export function mergeProblems(first: readonly ErrorDetail[], more: readonly ErrorDetail[]): ErrorDetail[] {
  const named = new Set(first.map((problem) => problem.in));
  return [...first, ...more.filter((problem) => problem.in === undefined || !named.has(problem.in))];
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
