/**
 * Timeline events: batch create, single create and get (operations 1 to 3). Each input is checked
 * against its template here; the store then writes every valid one with its record changes.
 */
import { ApiError, errorMessage } from '../errors.js';
import type { Clock, IdGenerator } from './clock.js';
import { type EventContext, toEventWrite } from './event-input.js';
import { type ParsedEvent, parseBatchBody, parseEvent } from './event-parsing.js';
import { EventWriteQueue, type EventWriteQueueOptions, failedWriteField } from './event-write-queue.js';
import type { EventWrite, Store } from './store.js';
import type { AccessToken, EventTemplate, TimelineEvent } from './types.js';

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

export type EventServiceOptions = EventWriteQueueOptions;

export class EventService {
  private readonly queue: EventWriteQueue;

  /** Event-create requests waiting for the store now (the write queue's depth, shown by /metrics). */
  get pendingWriteCount(): number {
    return this.queue.pendingWriteCount;
  }

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly options: EventServiceOptions,
  ) {
    this.queue = new EventWriteQueue(store, options);
  }

  /**
   * Parses the whole body first (a malformed input fails the request: InputParseFailure), then
   * stores every valid input, even when others fail; `errors` names each failed input by index.
   */
  async createBatch(token: AccessToken, body: unknown, request: RequestFacts = {}): Promise<BatchOutcome> {
    const inputs = parseBatchBody(body, this.options.limits.MAX_BATCH_INPUTS);
    const requestedAt = request.requestedAt ?? this.clock.now();
    const startedAt = this.clock.now();
    const outcomes = await this.run(token, inputs, requestedAt, request.bodyBytes);
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
    const [outcome] = await this.run(
      token,
      [parseEvent(body)],
      request.requestedAt ?? this.clock.now(),
      request.bodyBytes,
    );
    if (outcome instanceof ApiError) throw outcome;
    return outcome as TimelineEvent;
  }

  /** One outcome per input, in input order: the stored event, or why it was not stored. */
  private async run(
    token: AccessToken,
    inputs: ParsedEvent[],
    requestedAt: number,
    bodyBytes: number | undefined,
  ): Promise<(TimelineEvent | ApiError)[]> {
    const ctx: EventContext = {
      portalId: token.portalId,
      now: requestedAt,
      limits: this.options.limits,
      ids: this.ids,
    };
    if (bodyBytes !== undefined) ctx.bodyBytes = bodyBytes;
    // Each template once, then every input without waiting (a batch names one template or a few).
    const templateIds = [...new Set(inputs.map((input) => input.eventTemplateId))];
    const found = await Promise.all(templateIds.map((id) => this.store.getTemplate(id)));
    const templates = new Map(templateIds.map((id, i) => [id, found[i]]));
    const outcomes: (TimelineEvent | ApiError)[] = new Array(inputs.length);
    const writes: EventWrite[] = [];
    const writeIndexes: number[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        writes.push(this.prepare(token, input, ctx, templates.get(input.eventTemplateId)));
        writeIndexes.push(index);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        outcomes[index] = withEventId(error, input);
      }
    }
    if (writes.length === 0) return outcomes;
    const written = await this.queue.write(writes, { now: requestedAt });
    written.forEach((result, i) => {
      const index = writeIndexes[i] as number;
      outcomes[index] = result.ok
        ? result.event
        : new ApiError(result.code, result.params, {
            context: { id: [(writes[i] as EventWrite).event.id] },
            details: [
              {
                message: errorMessage(result.code, result.params),
                in: failedWriteField(result.code, 'event'),
              },
            ],
          });
    });
    return outcomes;
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
    // An app event occurrence (issue 14) is not a v3 event: the v3 reads do not see it.
    const event =
      template?.appId === token.appId && template.appEventUid === undefined
        ? await this.store.getEvent(token.portalId, eventTemplateId, eventId)
        : undefined;
    if (!template || !event) throw new ApiError('EVENT_NOT_FOUND', { id: eventId, eventTemplateId });
    return { event, template };
  }

  private prepare(
    token: AccessToken,
    input: ParsedEvent,
    ctx: EventContext,
    template: EventTemplate | undefined,
  ): EventWrite {
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
  }
}

/** *Ours*: every failed item names its input position, and its template when known. */
function errorContext(input: ParsedEvent | undefined, index: number): Record<string, string[]> {
  const context: Record<string, string[]> = { inputIndex: [String(index)] };
  if (input) context.eventTemplateId = [input.eventTemplateId];
  return context;
}

/** Puts the given event id (when there is one) into a validation error's context. */
function withEventId(error: ApiError, input: ParsedEvent): ApiError {
  if (input.id !== undefined && error.context.id === undefined) error.context.id = [input.id];
  return error;
}
