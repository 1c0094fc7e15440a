/**
 * Timeline events of the v3 API: batch create, single create and get. Each input is checked against
 * its template (v3-event-input.ts); the intake then writes every valid one with its record changes.
 */
import { ApiError, errorMessage } from '../../errors.js';
import type { Clock, IdGenerator } from '../clock.js';
import type { EventWrite, Store } from '../store.js';
import type { AccessToken, EventTemplate, TimelineEvent } from '../types.js';
import { type EventIntake, failedWriteField, type InputOutcome } from './event-intake.js';
import { type EventContext, toEventWrite } from './v3-event-input.js';
import { type ParsedEvent, parseBatchBody, parseEvent } from './v3-event-parsing.js';

/** One input of a batch that was not stored: why, and which input (*ours*: its index and template). */
export interface FailedInput {
  error: ApiError;
  context: Record<string, string[]>;
}

export interface BatchOutcome {
  results: TimelineEvent[];
  errors: FailedInput[];
  requestedAt: number;
  startedAt: number;
  completedAt: number;
}

/** What the HTTP layer knows of a create request. */
export interface RequestFacts {
  /** When the request arrived: the default timestamp and createdAt of its events. */
  requestedAt?: number;
  /** The body's size in bytes, when known; lets small requests skip the per-event size check. */
  bodyBytes?: number;
}

export class EventService {
  constructor(
    private readonly store: Store,
    private readonly intake: EventIntake,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Parses the whole body first (a malformed input fails the request: InputParseFailure), then
   * stores every valid input, even when others fail; `errors` names each failed input by index.
   */
  async createBatch(token: AccessToken, body: unknown, request: RequestFacts = {}): Promise<BatchOutcome> {
    await this.intake.admit();
    const inputs = this.parsed(body, () => parseBatchBody(body, this.intake.limits.MAX_BATCH_INPUTS));
    const requestedAt = request.requestedAt ?? this.clock.now();
    const startedAt = this.clock.now();
    const outcomes = await this.take(token, inputs, requestedAt, request.bodyBytes);
    const results: TimelineEvent[] = [];
    const errors: FailedInput[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome instanceof ApiError)
        errors.push({ error: outcome, context: errorContext(inputs[index], index) });
      else results.push(outcome);
    });
    return { results, errors, requestedAt, startedAt, completedAt: this.clock.now() };
  }

  /** The single create: the same rules; a failure is the whole request's error (a 400). */
  async createOne(token: AccessToken, body: unknown, request: RequestFacts = {}): Promise<TimelineEvent> {
    await this.intake.admit();
    const input = this.parsed(body, () => parseEvent(body));
    const [outcome] = await this.take(
      token,
      [input],
      request.requestedAt ?? this.clock.now(),
      request.bodyBytes,
    );
    if (outcome instanceof ApiError) throw outcome;
    return outcome as TimelineEvent;
  }

  /** The body's inputs; a body that does not parse is refused as a whole, and counted so. */
  private parsed<T>(body: unknown, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      this.intake.refused('v3', inputCount(body));
      throw error;
    }
  }

  /** One outcome per input, in input order: the stored event, or why it was not stored. */
  private async take(
    token: AccessToken,
    inputs: ParsedEvent[],
    requestedAt: number,
    bodyBytes: number | undefined,
  ): Promise<(TimelineEvent | ApiError)[]> {
    const ctx: EventContext = {
      portalId: token.portalId,
      now: requestedAt,
      limits: this.intake.limits,
      ids: this.ids,
    };
    if (bodyBytes !== undefined) ctx.bodyBytes = bodyBytes;
    const outcomes = await this.intake.take({
      api: 'v3',
      inputs,
      now: requestedAt,
      atomic: false,
      reader: async () => {
        // Each template once, then every input without waiting (a batch names one template or a few).
        const templateIds = [...new Set(inputs.map((input) => input.eventTemplateId))];
        const found = await Promise.all(templateIds.map((id) => this.store.getTemplate(id)));
        const templates = new Map(templateIds.map((id, i) => [id, found[i]]));
        return (input) => prepare(token, input, ctx, templates.get(input.eventTemplateId));
      },
    });
    return outcomes.map(toV3Outcome);
  }

  async get(token: AccessToken, eventTemplateId: string, eventId: string): Promise<TimelineEvent> {
    return (await this.getWithTemplate(token, eventTemplateId, eventId)).event;
  }

  /** An event the token may read (its portal, a template of its app), with that template. */
  async getWithTemplate(
    token: AccessToken,
    eventTemplateId: string,
    eventId: string,
  ): Promise<{ event: TimelineEvent; template: EventTemplate }> {
    const template = await this.store.getTemplate(eventTemplateId);
    // An app event occurrence is not a v3 event: the v3 reads do not see it.
    const event =
      template?.appId === token.appId && template.appEventUid === undefined
        ? await this.store.getEvent(token.portalId, eventTemplateId, eventId)
        : undefined;
    if (!template || !event) throw new ApiError('EVENT_NOT_FOUND', { id: eventId, eventTemplateId });
    return { event, template };
  }
}

function prepare(
  token: AccessToken,
  input: ParsedEvent,
  ctx: EventContext,
  template: EventTemplate | undefined,
): EventWrite {
  try {
    const templateId = input.eventTemplateId;
    if (!template || template.appId !== token.appId || template.appEventUid !== undefined) {
      throw new ApiError(
        'EVENT_TEMPLATE_UNKNOWN',
        { eventTemplateId: templateId, appId: token.appId },
        {
          details: [
            {
              message: `No event template ${templateId} in app ${token.appId}`,
              code: 'INVALID_VALUE',
              in: 'eventTemplateId',
            },
          ],
        },
      );
    }
    return toEventWrite(input, template, ctx);
  } catch (error) {
    // Puts the given event id (when there is one) into a validation error's context.
    if (error instanceof ApiError && input.id !== undefined && error.context.id === undefined)
      error.context.id = [input.id];
    throw error;
  }
}

/** The v3 answer for one input: the stored event, or its error. */
function toV3Outcome(outcome: InputOutcome): TimelineEvent | ApiError {
  if (outcome.ok) return outcome.event;
  if (outcome.stage === 'input') return outcome.error;
  if (outcome.stage === 'not-stored') return new ApiError('EVENT_NOT_STORED', {});
  return new ApiError(outcome.code, outcome.params, {
    context: { id: [outcome.write.event.id] },
    details: [
      { message: errorMessage(outcome.code, outcome.params), in: failedWriteField(outcome.code, 'event') },
    ],
  });
}

/** *Ours*: every failed item names its input position, and its template when known. */
function errorContext(input: ParsedEvent | undefined, index: number): Record<string, string[]> {
  const context: Record<string, string[]> = { inputIndex: [String(index)] };
  if (input) context.eventTemplateId = [input.eventTemplateId];
  return context;
}

/** How many events a create body holds: its `inputs` when it is a batch, else one. */
function inputCount(body: unknown): number {
  if (typeof body === 'object' && body !== null && 'inputs' in body && Array.isArray(body.inputs))
    return body.inputs.length;
  return 1;
}
