/**
 * `POST /_admin/v1/seed` and `--seed FILE`: a JSON fixture of portals, developer accounts with their
 * apps, access tokens, templates (with tokens), CRM records and events, where events name templates
 * of the same fixture by the `ref` the fixture gives them. All or nothing: the fixture's schema
 * (`seed-fixture.ts`) and then the checks only the store can make (`seed-check.ts`) run over every
 * entry first, and any problem is a 400 listing every invalid entry by its path in the fixture
 * (`templates[2].tokens[0].type`), with nothing stored. Only then is everything created, in
 * dependency order. See docs/testing.md for the format.
 */
import { ApiError, type ErrorDetail } from '../errors.js';
import type { LimitValues } from '../limits.js';
import type { Clock, IdGenerator } from './clock.js';
import { hashSecret } from './credentials/secrets.js';
import type { EventService } from './events/v3-event-service.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RecordService } from './record-service.js';
import { schemaCheck } from './schema-check.js';
import { type CheckedFixture, SeedCheck, type SeedDefaults } from './seed-check.js';
import { SeedFixtureSchema } from './seed-fixture.js';
import type { Store } from './store.js';
import type { TemplateCreateInput, TemplateService } from './template-service.js';
import type { AccessToken, EventTemplate } from './types.js';

export type { SeedDefaults } from './seed-check.js';
export { type SeedFixture, SeedFixtureSchema } from './seed-fixture.js';

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

const checkShape = schemaCheck(SeedFixtureSchema);

export class SeedService {
  constructor(private readonly s: SeedServices) {}

  /**
   * @param shapeProblems what the route's schema found (Fastify ran it); from code, the same schema
   *   runs here
   */
  async seed(fixture: unknown, defaults: SeedDefaults, shapeProblems?: ErrorDetail[]): Promise<SeedResult> {
    const problems = [...(shapeProblems ?? checkShape(fixture))];
    const { store, ids, limits, templates, clock } = this.s;
    const check = new SeedCheck(
      { store, ids, limits, templates, now: clock.now() },
      defaults,
      fixture,
      problems,
    );
    const checked = await check.run();
    if (problems.length > 0) {
      throw new ApiError('SEED_INVALID', { count: problems.length }, { details: problems });
    }
    return this.apply(checked);
  }

  private async apply(checked: CheckedFixture): Promise<SeedResult> {
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
    const byRef = new Map<string, EventTemplate>();
    for (const template of checked.templates) {
      const created = await this.s.templates.create(
        template.appId,
        template.body as unknown as TemplateCreateInput,
      );
      byRef.set(template.ref, created);
      result.templates.push({ ref: template.ref, id: created.id, appId: template.appId });
    }
    for (const record of checked.records) {
      const created = await this.s.records.create(record.portalId, record.objectType, {
        properties: record.properties,
      });
      result.records.push({ portalId: record.portalId, objectType: record.objectType, id: created.id });
    }
    for (const event of checked.events) {
      const template = byRef.get(event.ref) as EventTemplate;
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
