/**
 * `POST /_admin/v1/seed` and `--seed FILE`: a JSON fixture of portals, developer accounts with their
 * apps, access tokens, templates (with tokens), CRM records and events, where events name templates
 * of the same fixture by the `ref` the fixture gives them. All or nothing: every entry is checked
 * first, through the same rules as the public API, and any problem is a 400 listing every invalid
 * entry by its path in the fixture (`templates[2].tokens[0].type`), with nothing stored. Only then is
 * everything created, in dependency order. See docs/testing.md for the format.
 */
import { ApiError, type ErrorDetail } from '../errors.js';
import type { LimitValues } from '../limits.js';
import type { Clock, IdGenerator } from './clock.js';
import { DEFAULT_SCOPES } from './credentials/authentication.js';
import { hashSecret } from './credentials/secrets.js';
import { toEventWrite } from './events/v3-event-input.js';
import { InputParseFailure, parseEvent } from './events/v3-event-parsing.js';
import type { EventService } from './events/v3-event-service.js';
import { isObject, type JsonObject } from './json.js';
import { parseRateLimit } from './rate-limit-policy.js';
import type { RateLimiter } from './rate-limiter.js';
import { type RecordService, readProperties } from './record-service.js';
import type { Store } from './store.js';
import type { TemplateCreateInput, TemplateService } from './template-service.js';
import { isTimeZone } from './time-zone.js';
import {
  type AccessToken,
  type EventTemplate,
  STANDARD_OBJECT_TYPES,
  TOKEN_KINDS,
  type TokenKind,
} from './types.js';

const SECTIONS = ['portals', 'developerAccounts', 'accessTokens', 'templates', 'records', 'events'] as const;

export interface SeedDefaults {
  /** The portal and app entries fall back to: the ones provisioned at start. */
  portalId: number;
  appId: number;
}

export interface SeedResult {
  portals: number[];
  developerAccounts: { id: number; apiKey: string; appIds: number[] }[];
  accessTokens: { token: string; portalId: number; appId: number }[];
  templates: { ref: string; id: string; appId: number }[];
  records: { portalId: number; objectType: string; id: string }[];
  events: { portalId: number; eventTemplateId: string; id: string; objectId: string }[];
}

export interface SeedServices {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  limits: Readonly<LimitValues>;
  templates: TemplateService;
  records: RecordService;
  events: EventService;
  rateLimiter: RateLimiter;
}

interface Checked {
  portals: { id: number; timeZone?: string; rateLimit?: string | null }[];
  accounts: { apiKey: string; appIds: number[] }[];
  tokens: { token: string; kind: TokenKind; portalId: number; appId: number; scopes: string[] }[];
  templates: { ref: string; appId: number; body: JsonObject }[];
  records: { portalId: number; objectType: string; properties: Record<string, string> }[];
  events: { portalId: number; ref: string; input: JsonObject }[];
}

const positive = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** The problems of a nested check, their `in` prefixed with the entry's path in the fixture. */
function under(path: string, problems: readonly ErrorDetail[]): ErrorDetail[] {
  return problems.map((problem) => ({
    ...problem,
    in: problem.in && problem.in !== 'body' ? `${path}.${problem.in}` : path,
  }));
}

export class SeedService {
  constructor(private readonly s: SeedServices) {}

  async seed(fixture: unknown, defaults: SeedDefaults): Promise<SeedResult> {
    const problems: ErrorDetail[] = [];
    const checked = await this.check(fixture, defaults, problems);
    if (problems.length > 0) {
      throw new ApiError('SEED_INVALID', { count: problems.length }, { details: problems });
    }
    return this.apply(checked);
  }

  private async check(fixture: unknown, defaults: SeedDefaults, problems: ErrorDetail[]): Promise<Checked> {
    const out: Checked = { portals: [], accounts: [], tokens: [], templates: [], records: [], events: [] };
    if (!isObject(fixture)) {
      problems.push({ message: 'The fixture must be a JSON object', code: 'INVALID_TYPE', in: 'fixture' });
      return out;
    }
    const sections: Record<string, unknown[]> = {};
    for (const [key, value] of Object.entries(fixture)) {
      if (!(SECTIONS as readonly string[]).includes(key)) {
        problems.push({
          message: `Unknown section '${key}'; use ${SECTIONS.join(', ')}`,
          code: 'INVALID_VALUE',
          in: key,
        });
      } else if (!Array.isArray(value)) {
        problems.push({ message: `${key} must be an array`, code: 'INVALID_TYPE', in: key });
      } else sections[key] = value;
    }
    const entries = (section: string) =>
      (sections[section] ?? []).map((entry, i) => ({ entry, path: `${section}[${i}]` }));
    const problem = (
      path: string,
      field: string,
      message: string,
      code: ErrorDetail['code'] = 'INVALID_VALUE',
    ) => problems.push({ message: `${path}.${field}: ${message}`, code, in: `${path}.${field}` });
    const object = (entry: unknown, path: string): entry is JsonObject => {
      if (isObject(entry)) return true;
      problems.push({ message: `${path} must be an object`, code: 'INVALID_TYPE', in: path });
      return false;
    };

    // Portals
    const portalIds = new Set<number>();
    for (const { entry, path } of entries('portals')) {
      if (!object(entry, path)) continue;
      if (!positive(entry.id)) problem(path, 'id', 'must be a positive integer', 'REQUIRED_FIELD');
      const portal: Checked['portals'][number] = { id: entry.id as number };
      if (entry.timeZone !== undefined) {
        if (typeof entry.timeZone === 'string' && isTimeZone(entry.timeZone))
          portal.timeZone = entry.timeZone;
        else problem(path, 'timeZone', 'must be an IANA time zone such as America/New_York');
      }
      if (entry.rateLimit !== undefined) {
        try {
          if (entry.rateLimit !== null && typeof entry.rateLimit !== 'string')
            throw new Error('must be a string or null');
          if (typeof entry.rateLimit === 'string') parseRateLimit(entry.rateLimit);
          portal.rateLimit = entry.rateLimit;
        } catch (error) {
          problem(path, 'rateLimit', (error as Error).message);
        }
      }
      if (positive(entry.id)) {
        if (portalIds.has(entry.id))
          problem(path, 'id', `portal ${entry.id} appears twice`, 'DUPLICATE_VALUE');
        portalIds.add(entry.id);
      }
      out.portals.push(portal);
    }
    const portalExists = async (id: number) =>
      portalIds.has(id) || (await this.s.store.getPortal(id)) !== undefined;

    // Developer accounts and their apps
    const appOwners = new Map<number, string>();
    for (const { entry, path } of entries('developerAccounts')) {
      if (!object(entry, path)) continue;
      const apiKey = entry.apiKey;
      if (typeof apiKey !== 'string' || apiKey === '')
        problem(path, 'apiKey', 'must be a non-empty string', 'REQUIRED_FIELD');
      const appIds = entry.appIds ?? [];
      if (!Array.isArray(appIds) || !appIds.every(positive)) {
        problem(path, 'appIds', 'must be an array of positive integers', 'INVALID_TYPE');
        continue;
      }
      if (typeof apiKey !== 'string') continue;
      const existing = await this.s.store.findDeveloperAccount(hashSecret(apiKey));
      for (const [j, appId] of appIds.entries()) {
        const owner = appOwners.get(appId);
        const stored = await this.s.store.findApp(appId);
        if (
          (owner !== undefined && owner !== apiKey) ||
          (stored && stored.developerAccountId !== existing?.id)
        ) {
          problems.push({
            message: `${path}.appIds[${j}]: app ${appId} already belongs to another developer account`,
            code: 'INVALID_VALUE',
            in: `${path}.appIds[${j}]`,
          });
        }
        appOwners.set(appId, apiKey);
      }
      out.accounts.push({ apiKey, appIds });
    }
    const appExists = async (id: number) =>
      appOwners.has(id) || (await this.s.store.findApp(id)) !== undefined;

    // Access tokens
    for (const { entry, path } of entries('accessTokens')) {
      if (!object(entry, path)) continue;
      const { token } = entry;
      const portalId = entry.portalId ?? defaults.portalId;
      const appId = entry.appId ?? defaults.appId;
      if (typeof token !== 'string' || token === '')
        problem(path, 'token', 'must be a non-empty string', 'REQUIRED_FIELD');
      if (!positive(portalId) || !(await portalExists(portalId)))
        problem(path, 'portalId', 'must name a portal of the fixture or of the server');
      if (!positive(appId) || !(await appExists(appId)))
        problem(path, 'appId', 'must name an app of the fixture or of the server');
      let scopes = DEFAULT_SCOPES;
      if (entry.scopes !== undefined) {
        if (Array.isArray(entry.scopes) && entry.scopes.every((scope) => typeof scope === 'string'))
          scopes = entry.scopes as string[];
        else problem(path, 'scopes', 'must be an array of strings', 'INVALID_TYPE');
      }
      const kind = entry.kind ?? 'app';
      if (!(TOKEN_KINDS as readonly unknown[]).includes(kind))
        problem(path, 'kind', `must be one of ${TOKEN_KINDS.join(', ')}`, 'INVALID_ENUM');
      out.tokens.push({
        token: token as string,
        kind: kind as TokenKind,
        portalId: portalId as number,
        appId: appId as number,
        scopes,
      });
    }

    // Templates, by ref
    const byRef = new Map<string, { appId: number; body: JsonObject }>();
    const perApp = new Map<number, number>();
    for (const { entry, path } of entries('templates')) {
      if (!object(entry, path)) continue;
      const { ref, appId: givenApp, ...body } = entry;
      const appId = givenApp ?? defaults.appId;
      if (typeof ref !== 'string' || ref === '')
        problem(path, 'ref', 'must be a non-empty string naming the template for events', 'REQUIRED_FIELD');
      else if (byRef.has(ref))
        problem(path, 'ref', `'${ref}' names another template already`, 'DUPLICATE_VALUE');
      if (!positive(appId) || !(await appExists(appId)))
        problem(path, 'appId', 'must name an app of the fixture or of the server');
      problems.push(...under(path, this.s.templates.createProblems(body)));
      if (positive(appId)) {
        const count = (perApp.get(appId) ?? (await this.s.store.listTemplates(appId)).length) + 1;
        perApp.set(appId, count);
        if (count > this.s.limits.MAX_TEMPLATES_PER_APP)
          problem(
            path,
            'appId',
            `app ${appId} would have more than ${this.s.limits.MAX_TEMPLATES_PER_APP} templates`,
            'TOO_MANY',
          );
      }
      if (typeof ref === 'string') byRef.set(ref, { appId: appId as number, body });
      out.templates.push({ ref: ref as string, appId: appId as number, body });
    }

    // CRM records
    const emails = new Set<string>();
    for (const { entry, path } of entries('records')) {
      if (!object(entry, path)) continue;
      const portalId = entry.portalId ?? defaults.portalId;
      const objectType = entry.objectType ?? 'contacts';
      if (!positive(portalId) || !(await portalExists(portalId)))
        problem(path, 'portalId', 'must name a portal of the fixture or of the server');
      if (!(STANDARD_OBJECT_TYPES as readonly unknown[]).includes(objectType))
        problem(path, 'objectType', `must be one of ${STANDARD_OBJECT_TYPES.join(', ')}`, 'INVALID_ENUM');
      try {
        const properties = readProperties(entry);
        const email = properties.email?.trim().toLowerCase();
        if (objectType === 'contacts' && email && positive(portalId)) {
          const key = `${portalId}:${email}`;
          if (emails.has(key) || (await this.s.store.findContactByEmail(portalId, email)))
            problem(
              path,
              'properties.email',
              `a contact with email '${email}' exists already`,
              'DUPLICATE_VALUE',
            );
          emails.add(key);
        }
        out.records.push({ portalId: portalId as number, objectType: objectType as string, properties });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problems.push(...under(path, error.details));
      }
    }

    // Events, against their fixture template (checked as it will be stored)
    const now = this.s.clock.now();
    for (const { entry, path } of entries('events')) {
      if (!object(entry, path)) continue;
      const { template: ref, portalId: givenPortal, ...input } = entry;
      const portalId = givenPortal ?? defaults.portalId;
      if (!positive(portalId) || !(await portalExists(portalId)))
        problem(path, 'portalId', 'must name a portal of the fixture or of the server');
      const template = typeof ref === 'string' ? byRef.get(ref) : undefined;
      if (!template) {
        problem(path, 'template', 'must be the ref of a template of the fixture', 'INVALID_VALUE');
        continue;
      }
      if (input.eventTemplateId !== undefined) {
        problem(path, 'eventTemplateId', 'give template (the ref of a fixture template) instead');
        continue;
      }
      const provisional = provisionalTemplate(template.body, template.appId, now);
      if (!provisional) continue; // its template's problems are listed already
      try {
        const probe = { ...input, eventTemplateId: provisional.id };
        // Parsed first, as the public API does (issue 15): a field of an impossible type fails here.
        toEventWrite(parseEvent(probe), provisional, {
          portalId: portalId as number,
          now,
          limits: this.s.limits,
          ids: this.s.ids,
        });
        if (typeof input.objectId === 'string' || typeof input.objectId === 'number') {
          const found = positive(portalId)
            ? await this.s.store.getRecord(portalId, provisional.objectType, String(input.objectId))
            : undefined;
          if (!found)
            problem(path, 'objectId', `no ${provisional.objectType} record ${input.objectId} exists`);
        }
        out.events.push({ portalId: portalId as number, ref: ref as string, input });
      } catch (error) {
        if (error instanceof InputParseFailure) {
          problems.push(...under(path, [{ message: error.reason, in: error.field }]));
          continue;
        }
        if (!(error instanceof ApiError)) throw error;
        problems.push(
          ...under(path, error.details.length > 0 ? error.details : [{ message: error.message }]),
        );
      }
    }
    return out;
  }

  private async apply(checked: Checked): Promise<SeedResult> {
    const { store } = this.s;
    const result: SeedResult = {
      portals: [],
      developerAccounts: [],
      accessTokens: [],
      templates: [],
      records: [],
      events: [],
    };
    for (const portal of checked.portals) {
      const timeZone = portal.timeZone ?? (await store.getPortal(portal.id))?.timeZone ?? 'UTC';
      await store.ensurePortal({ id: portal.id, timeZone });
      this.s.rateLimiter.portalChanged(portal.id);
      if (portal.rateLimit !== undefined)
        await this.s.rateLimiter.setPortalSetting(portal.id, portal.rateLimit);
      result.portals.push(portal.id);
    }
    for (const account of checked.accounts) {
      const stored = await store.ensureDeveloperAccount(hashSecret(account.apiKey));
      for (const appId of account.appIds) {
        const app = await store.ensureApp({ id: appId, developerAccountId: stored.id });
        if (!app.ok) throw new ApiError(app.code, app.params);
      }
      result.developerAccounts.push({ id: stored.id, apiKey: account.apiKey, appIds: account.appIds });
    }
    for (const token of checked.tokens) {
      const { token: secret, ...rest } = token;
      await store.ensureAccessToken({ ...rest, tokenHash: hashSecret(secret) });
      result.accessTokens.push({ token: token.token, portalId: token.portalId, appId: token.appId });
    }
    const ids = new Map<string, EventTemplate>();
    for (const template of checked.templates) {
      const created = await this.s.templates.create(
        template.appId,
        template.body as unknown as TemplateCreateInput,
      );
      ids.set(template.ref, created);
      result.templates.push({ ref: template.ref, id: created.id, appId: template.appId });
    }
    for (const record of checked.records) {
      const created = await this.s.records.create(record.portalId, record.objectType, {
        properties: record.properties,
      });
      result.records.push({ portalId: record.portalId, objectType: record.objectType, id: created.id });
    }
    for (const event of checked.events) {
      const template = ids.get(event.ref) as EventTemplate;
      const token: AccessToken = {
        tokenHash: '',
        kind: 'app',
        portalId: event.portalId,
        appId: template.appId,
        scopes: ['timeline'],
      };
      const created = await this.s.events.createOne(token, { ...event.input, eventTemplateId: template.id });
      result.events.push({
        portalId: event.portalId,
        eventTemplateId: template.id,
        id: created.id,
        objectId: created.objectId,
      });
    }
    return result;
  }
}

/** The template a fixture entry will become, to check its events against before anything is stored. */
function provisionalTemplate(body: JsonObject, appId: number, now: number): EventTemplate | undefined {
  if (typeof body.name !== 'string') return undefined;
  const tokens = Array.isArray(body.tokens) ? body.tokens.filter(isObject) : [];
  return {
    id: '0',
    appId,
    name: body.name,
    objectType: typeof body.objectType === 'string' ? body.objectType : 'contacts',
    tokens: tokens.map((token) => ({
      name: String(token.name),
      label: String(token.label),
      type: token.type as EventTemplate['tokens'][number]['type'],
      options: Array.isArray(token.options) ? (token.options as { label: string; value: string }[]) : [],
      createdAt: now,
      updatedAt: now,
    })),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}
