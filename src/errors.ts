/**
 * Errors as HubSpot answers them: `ApiError` is thrown by a code of the catalogue
 * (`error-catalogue.ts`), `toErrorBody` builds HubSpot's envelope, and the helpers here build the
 * errors several routes share (missing scopes, a list of invalid inputs).
 */
import { ErrorCatalogue, type ErrorCode } from './error-catalogue.js';

export { ErrorCatalogue, type ErrorCode, type ErrorSpec } from './error-catalogue.js';

export type ErrorParams = Record<string, string | number>;

/** The `code` of one problem: what kind of wrong the field is. */
export type DetailCode =
  | 'REQUIRED_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_ENUM'
  | 'INVALID_FORMAT'
  | 'INVALID_VALUE'
  | 'INVALID_TEMPLATE'
  | 'DUPLICATE_VALUE'
  | 'UNKNOWN_TOKEN'
  | 'UNSUPPORTED_FILTER'
  | 'TOO_LARGE'
  | 'TOO_LONG'
  | 'TOO_MANY'
  | 'TOO_FEW'
  | 'TIMED_OUT';

/** One problem inside an error: HubSpot's `ErrorDetail`. `in` names the field. */
export interface ErrorDetail {
  message: string;
  code?: DetailCode;
  in?: string;
  context?: Record<string, string[]>;
  subCategory?: string;
}

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function formatMessage(template: string, params: ErrorParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function errorMessage(code: ErrorCode, params: ErrorParams = {}): string {
  return formatMessage(ErrorCatalogue[code].message, params);
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly category: string;
  readonly details: ErrorDetail[];
  readonly context: Record<string, string[]>;
  readonly subCategory: string | undefined;
  readonly links: Record<string, string>;

  constructor(
    code: ErrorCode,
    params: ErrorParams = {},
    extra: {
      details?: ErrorDetail[];
      context?: Record<string, string[]>;
      subCategory?: string;
      links?: Record<string, string>;
    } = {},
  ) {
    super(errorMessage(code, params));
    this.name = 'ApiError';
    this.code = code;
    this.status = ErrorCatalogue[code].status;
    this.category = ErrorCatalogue[code].category;
    this.details = extra.details ?? [];
    this.context = extra.context ?? {};
    this.subCategory = extra.subCategory;
    this.links = extra.links ?? {};
  }
}

/** HubSpot's `Error` body for every non-2xx answer. */
export interface ErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  context?: Record<string, string[]>;
  links?: Record<string, string>;
  errors?: ErrorDetail[];
}

export function toErrorBody(error: ApiError, correlationId: string): ErrorBody {
  const body: ErrorBody = {
    status: 'error',
    message: error.message,
    correlationId,
    category: error.category,
  };
  if (error.subCategory) body.subCategory = error.subCategory;
  if (Object.keys(error.context).length > 0) body.context = error.context;
  if (error.details.length > 0) body.errors = error.details;
  if (Object.keys(error.links).length > 0) body.links = error.links;
  return body;
}

/**
 * The body OAuth's endpoints answer an error with, their legacy shape: `status` names the failure
 * (`BAD_AUTH_CODE`, ...; the error's category).
 */
export function toOAuthErrorBody(
  error: ApiError,
  correlationId: string,
): { status: string; message: string; correlationId: string } {
  return { status: error.category, message: error.message, correlationId };
}

const SCOPES_LINK = 'https://developers.hubspot.com/scopes';

/**
 * HubSpot's 403 for a token without the scope, as users report it from the real service:
 * integrations read `errors[0].context.requiredGranularScopes`.
 */
export function missingScopes(requiredScopes: readonly string[]): ApiError {
  return new ApiError(
    'MISSING_SCOPES',
    {},
    {
      details: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [...requiredScopes] },
        },
      ],
      links: { scopes: SCOPES_LINK },
    },
  );
}

/** A 400 listing every problem found; the message names the first and counts the rest. */
export function invalidInput(problems: ErrorDetail[]): ApiError {
  const first = problems[0]?.message ?? 'the request is not valid';
  const detail = problems.length <= 1 ? first : `${first} (and ${problems.length - 1} more)`;
  return new ApiError('INVALID_INPUT', { detail }, { details: problems });
}
