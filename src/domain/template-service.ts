/**
 * Event templates and their tokens (operations 6 to 13). Callers have already checked that the
 * developer account owns `appId`; this service enforces HubSpot's rules on the templates themselves.
 */
import { ApiError, type ErrorDetail, invalidInput } from '../errors.js';
import type { LimitValues } from '../limits.js';
import { checkTemplateSource } from '../render/template-check.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import {
  duplicateNameProblems,
  optionProblems,
  type TokenInput,
  tokenProblems,
  toTemplateToken,
} from './token-rules.js';
import { type EventTemplate, isObjectType, type TemplateToken, type TokenOption } from './types.js';

export interface TemplateCreateInput {
  name: string;
  objectType?: string;
  headerTemplate?: string;
  detailTemplate?: string;
  tokens?: TokenInput[];
}

export interface TemplateUpdateInput {
  id?: string;
  name: string;
  objectType?: string;
  headerTemplate?: string;
  detailTemplate?: string;
  tokens?: TokenInput[];
}

export interface TokenUpdateInput {
  name?: string;
  type?: string;
  label: string;
  options?: TokenOption[];
  objectPropertyName?: string;
}

/** How often a read-modify-write retries when another writer changed the template meanwhile. */
const MAX_RETRIES = 20;

export class TemplateService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly limits: Readonly<LimitValues>,
  ) {}

  list(appId: number): Promise<EventTemplate[]> {
    return this.store.listTemplates(appId);
  }

  async get(appId: number, templateId: string): Promise<EventTemplate> {
    const template = await this.store.getTemplate(templateId);
    // A template of another app is answered as missing: its existence is not the caller's business.
    if (!template || template.appId !== appId) {
      throw new ApiError('TEMPLATE_NOT_FOUND', { eventTemplateId: templateId, appId });
    }
    return template;
  }

  async create(appId: number, input: TemplateCreateInput): Promise<EventTemplate> {
    const tokens = input.tokens ?? [];
    this.assertValid([...this.templateProblems(input), ...this.tokenListProblems(tokens)]);
    const now = this.clock.now();
    const result = await this.store.insertTemplate(
      appId,
      {
        name: input.name,
        // *Ours*: HubSpot requires objectType; we default to contacts, its most common value.
        objectType: input.objectType ?? 'contacts',
        ...sources(input),
        tokens: tokens.map((token) => toTemplateToken(token, now)),
        createdAt: now,
      },
      this.limits.MAX_TEMPLATES_PER_APP,
    );
    if ('ok' in result) throw new ApiError(result.code, result.params);
    return result;
  }

  async update(appId: number, templateId: string, input: TemplateUpdateInput): Promise<EventTemplate> {
    if (input.id !== undefined && input.id !== templateId) {
      throw new ApiError(
        'TEMPLATE_ID_MISMATCH',
        { bodyId: input.id, eventTemplateId: templateId },
        {
          details: [{ message: 'id must equal the path id', code: 'INVALID_VALUE', in: 'id' }],
        },
      );
    }
    const tokens = input.tokens ?? [];
    this.assertValid([...this.templateProblems(input), ...this.tokenListProblems(tokens)]);
    return this.modify(appId, templateId, (current, now) => {
      if (input.objectType !== undefined && input.objectType !== current.objectType) {
        throw new ApiError(
          'OBJECT_TYPE_IMMUTABLE',
          { objectType: current.objectType },
          {
            details: [{ message: 'objectType cannot change', code: 'INVALID_VALUE', in: 'objectType' }],
          },
        );
      }
      const byName = new Map(current.tokens.map((token) => [token.name, token]));
      const problems: ErrorDetail[] = [];
      const next = tokens.map((input, i) => {
        const old = byName.get(input.name);
        if (old && old.type !== input.type) {
          problems.push({
            message: `Token '${input.name}' is a ${old.type} token; its type cannot change`,
            code: 'INVALID_VALUE',
            in: `tokens[${i}].type`,
          });
        }
        const token = toTemplateToken(input, now);
        if (old) token.createdAt = old.createdAt;
        return token;
      });
      this.assertValid(problems);
      return {
        ...current,
        name: input.name,
        headerTemplate: input.headerTemplate,
        detailTemplate: input.detailTemplate,
        tokens: next,
      };
    });
  }

  async archive(appId: number, templateId: string): Promise<void> {
    await this.get(appId, templateId);
    await this.store.deleteTemplate(appId, templateId);
  }

  async createToken(appId: number, templateId: string, input: TokenInput): Promise<TemplateToken> {
    this.assertValid(tokenProblems(input, ''));
    const template = await this.modify(appId, templateId, (current, now) => {
      if (current.tokens.some((token) => token.name === input.name)) {
        throw new ApiError(
          'TOKEN_NAME_TAKEN',
          { tokenName: input.name, eventTemplateId: templateId },
          {
            details: [
              { message: `Token '${input.name}' already exists`, code: 'DUPLICATE_VALUE', in: 'name' },
            ],
          },
        );
      }
      if (current.tokens.length >= this.limits.MAX_TOKENS_PER_TEMPLATE) {
        throw new ApiError('TOKEN_LIMIT_REACHED', { limit: this.limits.MAX_TOKENS_PER_TEMPLATE });
      }
      return { ...current, tokens: [...current.tokens, toTemplateToken(input, now)] };
    });
    return template.tokens.find((token) => token.name === input.name) as TemplateToken;
  }

  async updateToken(
    appId: number,
    templateId: string,
    tokenName: string,
    input: TokenUpdateInput,
  ): Promise<TemplateToken> {
    const template = await this.modify(appId, templateId, (current, now) => {
      const old = current.tokens.find((token) => token.name === tokenName);
      if (!old) throw new ApiError('TOKEN_NOT_FOUND', { tokenName, eventTemplateId: templateId });
      const problems: ErrorDetail[] = [];
      if (input.name !== undefined && input.name !== old.name) {
        problems.push({ message: "A token's name cannot change", code: 'INVALID_VALUE', in: 'name' });
      }
      if (input.type !== undefined && input.type !== old.type) {
        problems.push({ message: "A token's type cannot change", code: 'INVALID_VALUE', in: 'type' });
      }
      problems.push(...optionProblems(old.type, input.options, ''));
      this.assertValid(problems);
      const updated = toTemplateToken({ ...input, name: old.name, type: old.type }, now);
      updated.createdAt = old.createdAt;
      return {
        ...current,
        tokens: current.tokens.map((token) => (token.name === tokenName ? updated : token)),
      };
    });
    return template.tokens.find((token) => token.name === tokenName) as TemplateToken;
  }

  async archiveToken(appId: number, templateId: string, tokenName: string): Promise<void> {
    await this.modify(appId, templateId, (current) => {
      if (!current.tokens.some((token) => token.name === tokenName)) {
        throw new ApiError('TOKEN_NOT_FOUND', { tokenName, eventTemplateId: templateId });
      }
      return { ...current, tokens: current.tokens.filter((token) => token.name !== tokenName) };
    });
  }

  /** Read, change, and save with the version it was read at; retry if another writer came between. */
  private async modify(
    appId: number,
    templateId: string,
    change: (current: EventTemplate, now: number) => EventTemplate,
  ): Promise<EventTemplate> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const current = await this.get(appId, templateId);
      const now = this.clock.now();
      const saved = await this.store.replaceTemplate({
        ...change(current, now),
        updatedAt: now,
        version: current.version,
      });
      if (saved) return saved;
    }
    throw new Error(`event template ${templateId} kept changing under ${MAX_RETRIES} attempts to update it`);
  }

  private templateProblems(input: TemplateCreateInput): ErrorDetail[] {
    const problems: ErrorDetail[] = [];
    if (input.objectType !== undefined && !isObjectType(input.objectType)) {
      problems.push({
        message: `objectType must be contacts, companies, deals, tickets or a custom object type id such as 2-123, got '${input.objectType}'`,
        code: 'INVALID_ENUM',
        in: 'objectType',
      });
    }
    for (const field of ['headerTemplate', 'detailTemplate'] as const) {
      const source = input[field];
      const problem = source === undefined ? null : checkTemplateSource(source);
      if (problem) {
        problems.push({
          message: `${field} does not compile: ${problem.message}`,
          code: 'INVALID_TEMPLATE',
          in: field,
        });
      }
    }
    return problems;
  }

  private tokenListProblems(tokens: TokenInput[]): ErrorDetail[] {
    const problems = tokens.flatMap((token, i) => tokenProblems(token, `tokens[${i}].`));
    problems.push(...duplicateNameProblems(tokens));
    if (tokens.length > this.limits.MAX_TOKENS_PER_TEMPLATE) {
      problems.push({
        message: `An event template can have at most ${this.limits.MAX_TOKENS_PER_TEMPLATE} tokens`,
        code: 'TOO_MANY',
        in: 'tokens',
      });
    }
    return problems;
  }

  private assertValid(problems: ErrorDetail[]): void {
    if (problems.length > 0) throw invalidInput(problems);
  }
}

function sources(input: TemplateCreateInput): Pick<EventTemplate, 'headerTemplate' | 'detailTemplate'> {
  const out: Pick<EventTemplate, 'headerTemplate' | 'detailTemplate'> = {};
  if (input.headerTemplate !== undefined) out.headerTemplate = input.headerTemplate;
  if (input.detailTemplate !== undefined) out.detailTemplate = input.detailTemplate;
  return out;
}
