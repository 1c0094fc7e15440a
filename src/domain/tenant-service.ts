/**
 * Tenants and credentials beyond the provisioned ones, for the admin API: portals (with their time
 * zone), developer accounts and their apps, and access tokens. HubSpot makes these in its own UI;
 * an emulator needs a way to make several, for multi-tenant use and for tests.
 */
import { ApiError, type ErrorDetail, invalidInput } from '../errors.js';
import { DEFAULT_SCOPES } from './credentials/authentication.js';
import { hashSecret, newSecret } from './credentials/secrets.js';
import { isObject } from './json.js';
import type { Store } from './store.js';
import { isTimeZone } from './time-zone.js';
import { type App, type Portal, TOKEN_KINDS, type TokenKind } from './types.js';

/** A credential the admin API made, as it answers it: the secret in clear, this once. */
export interface CreatedAccessToken {
  token: string;
  kind: TokenKind;
  portalId: number;
  appId: number;
  scopes: string[];
}

function positiveInteger(
  body: Record<string, unknown>,
  field: string,
  problems: ErrorDetail[],
): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  problems.push({ message: `${field} must be a positive integer`, code: 'INVALID_TYPE', in: field });
  return undefined;
}

function optionalText(
  body: Record<string, unknown>,
  field: string,
  problems: ErrorDetail[],
): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  problems.push({ message: `${field} must be a non-empty string`, code: 'INVALID_TYPE', in: field });
  return undefined;
}

function readBody(body: unknown): Record<string, unknown> {
  if (!isObject(body))
    throw invalidInput([{ message: 'The body must be a JSON object', code: 'INVALID_TYPE', in: 'body' }]);
  return body;
}

export class TenantService {
  constructor(private readonly store: Store) {}

  /** Creates the portal or changes its time zone (a new portal's default UTC; omitted: unchanged). */
  async putPortal(portalId: number, body: unknown): Promise<Portal> {
    const input = readBody(body);
    const problems: ErrorDetail[] = [];
    const timeZone =
      optionalText(input, 'timeZone', problems) ?? (await this.store.getPortal(portalId))?.timeZone ?? 'UTC';
    if (problems.length === 0 && !isTimeZone(timeZone)) {
      problems.push({
        message: `timeZone must be an IANA time zone such as America/New_York, got '${timeZone}'`,
        code: 'INVALID_VALUE',
        in: 'timeZone',
      });
    }
    if (problems.length > 0) throw invalidInput(problems);
    await this.store.ensurePortal({ id: portalId, timeZone });
    return { id: portalId, timeZone };
  }

  /** A developer account with its API key (given, or generated), and optionally an app of it. */
  async createDeveloperAccount(body: unknown): Promise<{ id: number; apiKey: string; appIds: number[] }> {
    const input = readBody(body);
    const problems: ErrorDetail[] = [];
    const apiKey = optionalText(input, 'apiKey', problems) ?? newSecret('dev-');
    const appId = positiveInteger(input, 'appId', problems);
    if (problems.length > 0) throw invalidInput(problems);
    // Refuse before writing anything: an app of another account leaves no new account behind.
    if (appId !== undefined) {
      const [app, existing] = await Promise.all([
        this.store.findApp(appId),
        this.store.findDeveloperAccount(hashSecret(apiKey)),
      ]);
      if (app && app.developerAccountId !== existing?.id) throw new ApiError('APP_NOT_OWNED', { appId });
    }
    const account = await this.store.ensureDeveloperAccount(hashSecret(apiKey));
    if (appId !== undefined) await this.ensureApp({ id: appId, developerAccountId: account.id });
    return { id: account.id, apiKey, appIds: appId === undefined ? [] : [appId] };
  }

  /**
   * An access token for a portal and app (both must exist), with the default scopes unless given;
   * an app's token unless `kind` says `private-app` (credentials/viewer.ts).
   */
  async createAccessToken(body: unknown): Promise<CreatedAccessToken> {
    const input = readBody(body);
    const problems: ErrorDetail[] = [];
    const portalId = positiveInteger(input, 'portalId', problems);
    const appId = positiveInteger(input, 'appId', problems);
    const kind = input.kind ?? 'app';
    if (!(TOKEN_KINDS as readonly unknown[]).includes(kind))
      problems.push({
        message: `kind must be one of ${TOKEN_KINDS.join(', ')}`,
        code: 'INVALID_ENUM',
        in: 'kind',
      });
    const token =
      optionalText(input, 'token', problems) ?? newSecret(kind === 'private-app' ? 'pat-local-' : 'app-');
    if (portalId === undefined && input.portalId === undefined)
      problems.push({ message: 'portalId is required', code: 'REQUIRED_FIELD', in: 'portalId' });
    if (appId === undefined && input.appId === undefined)
      problems.push({ message: 'appId is required', code: 'REQUIRED_FIELD', in: 'appId' });
    let scopes = DEFAULT_SCOPES;
    if (input.scopes !== undefined) {
      if (Array.isArray(input.scopes) && input.scopes.every((scope) => typeof scope === 'string'))
        scopes = input.scopes as string[];
      else
        problems.push({ message: 'scopes must be an array of strings', code: 'INVALID_TYPE', in: 'scopes' });
    }
    if (problems.length > 0 || portalId === undefined || appId === undefined) throw invalidInput(problems);
    if (!(await this.store.getPortal(portalId))) {
      throw invalidInput([
        {
          message: `No portal ${portalId}: create it first (PUT /_admin/v1/portals/${portalId})`,
          code: 'INVALID_VALUE',
          in: 'portalId',
        },
      ]);
    }
    if (!(await this.store.findApp(appId))) {
      throw invalidInput([
        {
          message: `No app ${appId}: create it with a developer account first`,
          code: 'INVALID_VALUE',
          in: 'appId',
        },
      ]);
    }
    await this.store.ensureAccessToken({
      tokenHash: hashSecret(token),
      kind: kind as TokenKind,
      portalId,
      appId,
      scopes,
    });
    return { token, kind: kind as TokenKind, portalId, appId, scopes };
  }

  private async ensureApp(app: App): Promise<void> {
    const result = await this.store.ensureApp(app);
    if (!result.ok) throw new ApiError('APP_NOT_OWNED', { appId: app.id });
  }
}
