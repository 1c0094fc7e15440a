/**
 * What a seed fixture's schema cannot say, checked before anything is stored: portals and apps that
 * must exist (in the fixture or the server), ids and emails used twice, time zones and rate-limit
 * settings, and the template and event bodies by the public API's own rules. Only entries that
 * passed the schema are read here (typed as the schema says); each problem names the entry's path
 * in the fixture (`templates[2].tokens[0].type`).
 */
import { ApiError, type ErrorDetail } from '../errors.js';
import type { LimitValues } from '../limits.js';
import type { IdGenerator } from './clock.js';
import { DEFAULT_SCOPES } from './credentials/authentication.js';
import { hashSecret } from './credentials/secrets.js';
import { toEventWrite } from './events/v3-event-input.js';
import { InputParseFailure, parseEvent } from './events/v3-event-parsing.js';
import { isObject, type JsonObject } from './json.js';
import { parseRateLimit } from './rate-limit-policy.js';
import { readProperties } from './record-service.js';
import type { SeedFixture, SeedSection } from './seed-fixture.js';
import type { Store } from './store.js';
import type { TemplateService } from './template-service.js';
import { isTimeZone } from './time-zone.js';
import type { EventTemplate, TokenKind } from './types.js';

export interface SeedDefaults {
  /** The portal and app entries fall back to: the ones provisioned at start. */
  portalId: number;
  appId: number;
}

/** A fixture's entries, checked and with their defaults filled, in the order they are created. */
export interface CheckedFixture {
  portals: { id: number; timeZone?: string; rateLimit?: string | null }[];
  accounts: { apiKey: string; appIds: number[] }[];
  /** With their secret in clear: the result answers them, the store gets their hash. */
  tokens: { token: string; kind: TokenKind; portalId: number; appId: number; scopes: string[] }[];
  templates: { ref: string; appId: number; body: JsonObject }[];
  records: { portalId: number; objectType: string; properties: Record<string, string> }[];
  events: { portalId: number; ref: string; input: JsonObject }[];
}

export interface SeedCheckParts {
  store: Store;
  ids: IdGenerator;
  limits: Readonly<LimitValues>;
  templates: TemplateService;
  now: number;
}

type Entry<S extends SeedSection> = NonNullable<SeedFixture[S]>[number];

/** The problems of a nested check, their `in` prefixed with the entry's path in the fixture. */
function under(path: string, problems: readonly ErrorDetail[]): ErrorDetail[] {
  return problems.map((problem) => ({
    ...problem,
    in: problem.in && problem.in !== 'body' ? `${path}.${problem.in}` : path,
  }));
}

export class SeedCheck {
  readonly out: CheckedFixture = {
    portals: [],
    accounts: [],
    tokens: [],
    templates: [],
    records: [],
    events: [],
  };
  private readonly portalIds = new Set<number>();
  private readonly appOwners = new Map<number, string>();
  private readonly byRef = new Map<string, { appId: number; body: JsonObject }>();
  /** Refs of templates the schema refused: their events are not checked against them. */
  private readonly refusedRefs = new Set<string>();

  /**
   * @param fixture the fixture as given
   * @param problems what the schema found; the checks here add theirs to it
   */
  constructor(
    private readonly parts: SeedCheckParts,
    private readonly defaults: SeedDefaults,
    private readonly fixture: unknown,
    readonly problems: ErrorDetail[],
  ) {}

  async run(): Promise<CheckedFixture> {
    for (const { entry, path } of this.entries('portals')) this.portal(entry, path);
    for (const { entry, path } of this.entries('developerAccounts')) await this.account(entry, path);
    for (const { entry, path } of this.entries('accessTokens')) await this.token(entry, path);
    for (const { entry, path } of this.entries('templates')) await this.template(entry, path);
    const emails = new Set<string>();
    for (const { entry, path } of this.entries('records')) await this.record(entry, path, emails);
    for (const { entry, path } of this.entries('events')) await this.event(entry, path);
    return this.out;
  }

  /** A section's entries the schema found nothing wrong with (a refused one is reported already). */
  private entries<S extends SeedSection>(section: S): { entry: Entry<S>; path: string }[] {
    const all = isObject(this.fixture) ? this.fixture[section] : undefined;
    if (!Array.isArray(all) || this.problems.some((p) => p.in === section)) return [];
    const refused = (path: string) =>
      this.problems.some(
        (p) => p.in === path || p.in?.startsWith(`${path}.`) || p.in?.startsWith(`${path}[`),
      );
    return all.flatMap((entry, i) => {
      const path = `${section}[${i}]`;
      if (!refused(path)) return [{ entry: entry as Entry<S>, path }];
      if (section === 'templates' && isObject(entry) && typeof entry.ref === 'string')
        this.refusedRefs.add(entry.ref);
      return [];
    });
  }

  private problem(path: string, field: string, message: string, code: ErrorDetail['code'] = 'INVALID_VALUE') {
    this.problems.push({ message: `${path}.${field}: ${message}`, code, in: `${path}.${field}` });
  }

  private async portalExists(id: number): Promise<boolean> {
    return this.portalIds.has(id) || (await this.parts.store.getPortal(id)) !== undefined;
  }

  private async appExists(id: number): Promise<boolean> {
    return this.appOwners.has(id) || (await this.parts.store.findApp(id)) !== undefined;
  }

  private portal(entry: Entry<'portals'>, path: string): void {
    if (entry.timeZone !== undefined && !isTimeZone(entry.timeZone))
      this.problem(path, 'timeZone', 'must be an IANA time zone such as America/New_York');
    if (typeof entry.rateLimit === 'string') {
      try {
        parseRateLimit(entry.rateLimit);
      } catch (error) {
        this.problem(path, 'rateLimit', (error as Error).message);
      }
    }
    if (this.portalIds.has(entry.id))
      this.problem(path, 'id', `portal ${entry.id} appears twice`, 'DUPLICATE_VALUE');
    this.portalIds.add(entry.id);
    this.out.portals.push(entry);
  }

  private async account(entry: Entry<'developerAccounts'>, path: string): Promise<void> {
    const { apiKey, appIds = [] } = entry;
    const existing = await this.parts.store.findDeveloperAccount(hashSecret(apiKey));
    for (const [j, appId] of appIds.entries()) {
      const owner = this.appOwners.get(appId);
      const stored = await this.parts.store.findApp(appId);
      if ((owner !== undefined && owner !== apiKey) || (stored && stored.developerAccountId !== existing?.id))
        this.problem(path, `appIds[${j}]`, `app ${appId} already belongs to another developer account`);
      this.appOwners.set(appId, apiKey);
    }
    this.out.accounts.push({ apiKey, appIds });
  }

  private async token(entry: Entry<'accessTokens'>, path: string): Promise<void> {
    const { portalId = this.defaults.portalId, appId = this.defaults.appId } = entry;
    if (!(await this.portalExists(portalId)))
      this.problem(path, 'portalId', 'must name a portal of the fixture or of the server');
    if (!(await this.appExists(appId)))
      this.problem(path, 'appId', 'must name an app of the fixture or of the server');
    this.out.tokens.push({
      token: entry.token,
      kind: entry.kind ?? 'app',
      portalId,
      appId,
      scopes: entry.scopes ?? DEFAULT_SCOPES,
    });
  }

  private readonly templatesPerApp = new Map<number, number>();

  private async template(entry: Entry<'templates'>, path: string): Promise<void> {
    const { ref, appId = this.defaults.appId, ...rest } = entry;
    const body = rest as unknown as JsonObject;
    if (this.byRef.has(ref))
      this.problem(path, 'ref', `'${ref}' names another template already`, 'DUPLICATE_VALUE');
    if (!(await this.appExists(appId)))
      this.problem(path, 'appId', 'must name an app of the fixture or of the server');
    this.problems.push(...under(path, this.parts.templates.createProblems(body)));
    const { store, limits } = this.parts;
    const count = (this.templatesPerApp.get(appId) ?? (await store.listTemplates(appId)).length) + 1;
    this.templatesPerApp.set(appId, count);
    if (count > limits.MAX_TEMPLATES_PER_APP)
      this.problem(
        path,
        'appId',
        `app ${appId} would have more than ${limits.MAX_TEMPLATES_PER_APP} templates`,
        'TOO_MANY',
      );
    this.byRef.set(ref, { appId, body });
    this.out.templates.push({ ref, appId, body });
  }

  private async record(entry: Entry<'records'>, path: string, emails: Set<string>): Promise<void> {
    const { portalId = this.defaults.portalId, objectType = 'contacts' } = entry;
    if (!(await this.portalExists(portalId)))
      this.problem(path, 'portalId', 'must name a portal of the fixture or of the server');
    // The schema has checked every value's type: this only turns them into the strings stored.
    const properties = readProperties(entry);
    const email = properties.email?.trim().toLowerCase();
    if (objectType === 'contacts' && email) {
      const key = `${portalId}:${email}`;
      if (emails.has(key) || (await this.parts.store.findContactByEmail(portalId, email)))
        this.problem(
          path,
          'properties.email',
          `a contact with email '${email}' exists already`,
          'DUPLICATE_VALUE',
        );
      emails.add(key);
    }
    this.out.records.push({ portalId, objectType, properties });
  }

  /** An event, checked against its fixture template as it will be stored. */
  private async event(entry: Entry<'events'>, path: string): Promise<void> {
    const { template: ref, portalId = this.defaults.portalId, ...input } = entry;
    if (!(await this.portalExists(portalId)))
      this.problem(path, 'portalId', 'must name a portal of the fixture or of the server');
    const template = this.byRef.get(ref);
    if (!template) {
      if (!this.refusedRefs.has(ref))
        this.problem(path, 'template', 'must be the ref of a template of the fixture');
      return;
    }
    if (input.eventTemplateId !== undefined) {
      this.problem(path, 'eventTemplateId', 'give template (the ref of a fixture template) instead');
      return;
    }
    const { now, limits, ids, store } = this.parts;
    const provisional = provisionalTemplate(template.body, template.appId, now);
    if (!provisional) return; // its template's problems are listed already
    try {
      // Parsed first, as the public API does: a field of an impossible type fails here.
      toEventWrite(parseEvent({ ...input, eventTemplateId: provisional.id }), provisional, {
        portalId,
        now,
        limits,
        ids,
      });
      if (typeof input.objectId === 'string' || typeof input.objectId === 'number') {
        const found = await store.getRecord(portalId, provisional.objectType, String(input.objectId));
        if (!found)
          this.problem(path, 'objectId', `no ${provisional.objectType} record ${input.objectId} exists`);
      }
      this.out.events.push({ portalId, ref, input: input as JsonObject });
    } catch (error) {
      if (error instanceof InputParseFailure) {
        this.problems.push(...under(path, [{ message: error.reason, in: error.field }]));
        return;
      }
      if (!(error instanceof ApiError)) throw error;
      this.problems.push(
        ...under(path, error.details.length > 0 ? error.details : [{ message: error.message }]),
      );
    }
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
