/**
 * Event templates and their tokens (v3's template and token routes). Callers have already checked that the
 * developer account owns `appId`; this service enforces HubSpot's rules on the templates themselves.
 */
import { ApiError, type ErrorDetail, invalidInput } from '../errors.js';
import type { LimitValues } from '../limits.js';
import { checkTemplateSource } from '../render/template-check.js';
import type { Clock } from './clock.js';
import type { Store } from './store.js';
import { templateShapeProblems } from './template-shape.js';
import {
  asRecord,
  duplicateNameProblems,
  mergeProblems,
  type TokenInput,
  tokenChangeProblems,
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

  /** App event types are templates of another API: the v3 routes never see them. */
  async list(appId: number): Promise<EventTemplate[]> {
    return (await this.store.listTemplates(appId)).filter((t) => t.appEventUid === undefined);
  }

  async get(appId: number, templateId: string): Promise<EventTemplate> {
    const template = await this.store.getTemplate(templateId);
    // A template of another app is answered as missing: its existence is not the caller's business.
    if (!template || template.appId !== appId || template.appEventUid !== undefined) {
      throw new ApiError('TEMPLATE_NOT_FOUND', { eventTemplateId: templateId, appId });
    }
    return template;
  }

  /**
   * @param schemaProblems what the route's JSON Schema found; when there are any, `input` may hold
   *   values of any type, and they are answered together with the domain's problems.
   */
  async create(
    appId: number,
    input: TemplateCreateInput,
    schemaProblems: ErrorDetail[] = [],
  ): Promise<EventTemplate> {
    this.assertValid(mergeProblems(schemaProblems, this.bodyProblems(input)));
    const tokens = input.tokens ?? [];
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

  async update(
    appId: number,
    templateId: string,
    input: TemplateUpdateInput,
    schemaProblems: ErrorDetail[] = [],
  ): Promise<EventTemplate> {
    const problems = mergeProblems(schemaProblems, [
      ...this.idProblems(templateId, input),
      ...this.bodyProblems(input),
    ]);
    if (problems.length > 0) {
      // A body that is wrong on its own is a 400 whatever it targets; when the template exists, the
      // problems of changing it (objectType, token types) are listed with the others.
      const current = await this.store.getTemplate(templateId);
      const owned = current?.appId === appId && !current.appEventUid ? current : undefined;
      const all = mergeProblems(problems, owned ? changeProblems(owned, input) : []);
      throw this.updateError(all, templateId, input, owned);
    }
    const tokens = input.tokens ?? [];
    return this.modify(appId, templateId, (current, now) => {
      const problems = changeProblems(current, input);
      if (problems.length > 0) throw this.updateError(problems, templateId, input, current);
      const byName = new Map(current.tokens.map((token) => [token.name, token]));
      const next = tokens.map((input) => {
        const token = toTemplateToken(input, now);
        const old = byName.get(input.name);
        if (old) token.createdAt = old.createdAt;
        return token;
      });
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

  async createToken(
    appId: number,
    templateId: string,
    input: TokenInput,
    schemaProblems: ErrorDetail[] = [],
  ): Promise<TemplateToken> {
    this.assertValid(mergeProblems(schemaProblems, tokenProblems(input, '')));
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
    schemaProblems: ErrorDetail[] = [],
  ): Promise<TemplateToken> {
    if (schemaProblems.length > 0) {
      // As for templates: a body wrong on its own is a 400; the token's own rules join in if it exists.
      const current = await this.store.getTemplate(templateId);
      const old =
        current?.appId === appId && !current.appEventUid
          ? current.tokens.find((t) => t.name === tokenName)
          : undefined;
      throw invalidInput(mergeProblems(schemaProblems, old ? tokenChangeProblems(old, input) : []));
    }
    const template = await this.modify(appId, templateId, (current, now) => {
      const old = current.tokens.find((token) => token.name === tokenName);
      if (!old) throw new ApiError('TOKEN_NOT_FOUND', { tokenName, eventTemplateId: templateId });
      this.assertValid(tokenChangeProblems(old, input));
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

  /** One problem of a known kind keeps its own catalogue code; several are one INVALID_INPUT. */
  private updateError(
    problems: ErrorDetail[],
    templateId: string,
    input: TemplateUpdateInput,
    current?: EventTemplate,
  ): ApiError {
    const [only] = problems;
    if (problems.length === 1 && only?.code === 'INVALID_VALUE') {
      if (only.in === 'id') {
        return new ApiError(
          'TEMPLATE_ID_MISMATCH',
          { bodyId: String(input.id), eventTemplateId: templateId },
          { details: problems },
        );
      }
      if (only.in === 'objectType' && current) {
        return new ApiError(
          'OBJECT_TYPE_IMMUTABLE',
          { objectType: current.objectType },
          { details: problems },
        );
      }
    }
    return invalidInput(problems);
  }

  private idProblems(templateId: string, body: unknown): ErrorDetail[] {
    const id = asRecord(body)?.id;
    if (typeof id !== 'string' || id === templateId) return [];
    return [{ message: 'id must equal the path id', code: 'INVALID_VALUE', in: 'id' }];
  }

  /**
   * What JSON Schema cannot say about a template body. Tolerant of a body that failed the schema:
   * a field of the wrong type is skipped (the schema named it already).
   */
  private bodyProblems(body: unknown): ErrorDetail[] {
    const input = asRecord(body);
    if (!input) return [];
    const problems: ErrorDetail[] = [];
    if (typeof input.objectType === 'string' && !isObjectType(input.objectType)) {
      problems.push({
        message: `objectType must be contacts, companies, deals, tickets or a custom object type id such as 2-123, got '${input.objectType}'`,
        code: 'INVALID_ENUM',
        in: 'objectType',
      });
    }
    for (const field of ['headerTemplate', 'detailTemplate'] as const) {
      const source = input[field];
      const problem = typeof source === 'string' ? checkTemplateSource(source) : null;
      if (problem) {
        problems.push({
          message: `${field} does not compile: ${problem.message}`,
          code: 'INVALID_TEMPLATE',
          in: field,
        });
      }
    }
    if (Array.isArray(input.tokens)) problems.push(...this.tokenListProblems(input.tokens));
    return problems;
  }

  private tokenListProblems(tokens: readonly unknown[]): ErrorDetail[] {
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

  /**
   * Every problem of a template create body, its shape included, without storing it: what a create
   * through the API would refuse (the seed fixture is checked whole before anything is stored).
   */
  createProblems(body: unknown): ErrorDetail[] {
    const shape = templateShapeProblems(body);
    return mergeProblems(shape, this.bodyProblems(body));
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

/** What an update may not change: the objectType, and the type of a token it keeps. */
function changeProblems(current: EventTemplate, body: unknown): ErrorDetail[] {
  const input = asRecord(body);
  if (!input) return [];
  const problems: ErrorDetail[] = [];
  if (typeof input.objectType === 'string' && input.objectType !== current.objectType) {
    problems.push({ message: 'objectType cannot change', code: 'INVALID_VALUE', in: 'objectType' });
  }
  const byName = new Map(current.tokens.map((token) => [token.name, token]));
  const tokens = Array.isArray(input.tokens) ? input.tokens : [];
  tokens.forEach((value, i) => {
    const token = asRecord(value);
    const old = typeof token?.name === 'string' ? byName.get(token.name) : undefined;
    if (old && typeof token?.type === 'string' && token.type !== old.type) {
      problems.push({
        message: `Token '${old.name}' is a ${old.type} token; its type cannot change`,
        code: 'INVALID_VALUE',
        in: `tokens[${i}].type`,
      });
    }
  });
  return problems;
}
