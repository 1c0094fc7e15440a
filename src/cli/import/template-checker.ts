/**
 * Checks each event locally against its template, with the server's own rules
 * (`src/domain/events/v3-event-input.ts`), so a bad event is rejected with the full list of its problems
 * before it costs a request. Each template is fetched once from the target
 * (`GET /{appId}/event-templates/{id}?hapikey=`). Rules that need stored state (does the record
 * exist? is the id taken?) stay the server's.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { toEventWrite } from '../../domain/events/v3-event-input.js';
import { InputParseFailure, parseEvent } from '../../domain/events/v3-event-parsing.js';
import type { EventTemplate, TemplateToken, TokenType } from '../../domain/types.js';
import { ApiError, type ErrorDetail } from '../../errors.js';
import { Limits } from '../../limits.js';
import { TEMPLATE_PATH } from '../api-paths.js';
import { CliError } from '../cli-error.js';
import { answerMessage, type HubSpotHttp, isNotFound } from '../hubspot-http.js';
import type { RejectError } from './rejects-writer.js';

export class TemplateChecker {
  private readonly templates = new Map<string, Promise<EventTemplate | undefined>>();

  constructor(
    private readonly http: HubSpotHttp,
    private readonly appId: string,
  ) {}

  /** Undefined when the event passes; otherwise why it does not. */
  async check(event: Record<string, unknown>, eventTemplateId: string): Promise<RejectError | undefined> {
    let lookup = this.templates.get(eventTemplateId);
    if (!lookup) {
      lookup = this.fetch(eventTemplateId);
      this.templates.set(eventTemplateId, lookup);
    }
    const template = await lookup;
    if (!template) {
      return {
        source: 'local',
        message: `No event template ${eventTemplateId} in app ${this.appId}`,
        errors: [{ message: 'unknown event template', in: 'eventTemplateId' }],
      };
    }
    try {
      // Parsed first, as the server does: a field of an impossible type fails before any rule.
      toEventWrite(parseEvent(event), template, {
        portalId: 0,
        now: Date.now(),
        limits: Limits,
        ids: { uuid: randomUUID, secret: (bytes) => randomBytes(bytes).toString('hex') },
      });
      return undefined;
    } catch (error) {
      if (error instanceof InputParseFailure) {
        return {
          source: 'local',
          message: error.reason,
          errors: [{ message: error.reason, in: error.field }],
        };
      }
      if (!(error instanceof ApiError)) throw error;
      return { source: 'local', message: error.message, errors: error.details.map(detail) };
    }
  }

  private async fetch(id: string): Promise<EventTemplate | undefined> {
    const answer = await this.http.request(
      'GET',
      `${TEMPLATE_PATH}/${this.appId}/event-templates/${encodeURIComponent(id)}`,
      { auth: 'hapikey' },
    );
    // A path the target does not serve is not a missing template: it fails below, naming --base-url.
    if (isNotFound(answer)) return undefined;
    if (answer.status === 401 || answer.status === 403) {
      throw new CliError(
        `the target refused the developer API key for app ${this.appId} (${answerMessage(answer)})`,
        'check --developer-api-key and --app-id (they must be of the app owning the templates), or leave both out to skip the local check',
      );
    }
    if (answer.status !== 200) {
      throw new CliError(
        `reading event template ${id} failed: ${answerMessage(answer)}`,
        'check --base-url and --app-id, or leave out --developer-api-key to skip the local check',
      );
    }
    return fromWire(answer.json as WireTemplate, this.appId);
  }
}

function detail(problem: ErrorDetail): { message: string; in?: string } {
  return problem.in === undefined
    ? { message: problem.message }
    : { message: problem.message, in: problem.in };
}

interface WireToken {
  name: string;
  label?: string;
  type: TokenType;
  options?: { label: string; value: string }[];
  objectPropertyName?: string;
}

interface WireTemplate {
  id: string;
  name?: string;
  objectType?: string;
  tokens?: WireToken[];
}

/** The parts of a template the event rules read; times do not matter to them. */
function fromWire(wire: WireTemplate, appId: string): EventTemplate {
  return {
    id: String(wire.id),
    appId: Number(appId),
    name: wire.name ?? '',
    objectType: wire.objectType ?? 'contacts',
    tokens: (wire.tokens ?? []).map((token): TemplateToken => {
      const out: TemplateToken = {
        name: token.name,
        label: token.label ?? token.name,
        type: token.type,
        options: token.options ?? [],
        createdAt: 0,
        updatedAt: 0,
      };
      if (token.objectPropertyName !== undefined) out.objectPropertyName = token.objectPropertyName;
      return out;
    }),
    createdAt: 0,
    updatedAt: 0,
    version: 0,
  };
}
