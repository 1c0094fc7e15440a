/**
 * App event occurrences: one, or a batch that is stored all or nothing. Each is
 * checked against its type, then written by the store's event writer as a timeline event of that
 * type (`atomic` for a batch), so records, rendering and the record timeline treat both APIs alike.
 */
import { ApiError, type ErrorDetail, errorMessage, invalidInput } from '../../errors.js';
import type { AppEventTypeService } from '../app-event-type-service.js';
import type { Clock } from '../clock.js';
import type { AccessToken, TimelineEvent } from '../types.js';
import { type EventIntake, failedWriteField } from './event-intake.js';
import {
  customObjectNameOf,
  eventTypeNameOf,
  type OccurrenceContext,
  toOccurrenceWrite,
} from './occurrence-input.js';
import type { RequestFacts } from './v3-event-service.js';

/** A stored occurrence with the name it was sent under. */
export interface StoredOccurrence {
  eventTypeName: string;
  event: TimelineEvent;
}

export interface OccurrenceBatch {
  results: StoredOccurrence[];
  requestedAt: number;
  startedAt: number;
  completedAt: number;
}

/** One failed input: its index, its problems, and whether it failed only for its id being used. */
interface InputFailure {
  index: number;
  id: string | undefined;
  conflict: boolean;
  details: ErrorDetail[];
}

export class AppEventService {
  constructor(
    private readonly intake: EventIntake,
    private readonly types: AppEventTypeService,
    private readonly clock: Clock,
    /** A portal's custom object type of that name or id, as its `2-N` id (undefined: none). */
    private readonly customObjectType: (portalId: number, name: string) => Promise<string | undefined>,
  ) {}

  /** One occurrence: stored, or the whole request's error (400, or 409 for an id already used). */
  async createOne(token: AccessToken, input: unknown, request: RequestFacts = {}): Promise<StoredOccurrence> {
    const requestedAt = request.requestedAt ?? this.clock.now();
    const [stored] = await this.run(token, [input], requestedAt, request.bodyBytes, (failures) => {
      const [failure] = failures;
      if (failure?.conflict) throw new ApiError('OCCURRENCE_EXISTS', {}, { context: idContext(failure) });
      const first = failure?.details[0]?.message ?? 'the occurrence is not valid';
      const detail =
        (failure?.details.length ?? 0) > 1
          ? `${first} (and ${(failure?.details.length ?? 1) - 1} more)`
          : first;
      return new ApiError(
        'INVALID_INPUT',
        { detail },
        { details: failure?.details ?? [], context: idContext(failure) },
      );
    });
    return stored as StoredOccurrence;
  }

  /** All or nothing: every input stored, or none and a 400/409 listing each failing input. */
  async createBatch(
    token: AccessToken,
    inputs: unknown[],
    request: RequestFacts = {},
  ): Promise<OccurrenceBatch> {
    const requestedAt = request.requestedAt ?? this.clock.now();
    const startedAt = this.clock.now();
    const results = await this.run(token, inputs, requestedAt, request.bodyBytes, (failures) => {
      const conflictsOnly = failures.every((failure) => failure.conflict);
      const params = { failed: failures.length, total: inputs.length };
      return new ApiError(conflictsOnly ? 'OCCURRENCE_BATCH_CONFLICT' : 'OCCURRENCE_BATCH_INVALID', params, {
        context: { inputIndex: failures.map((failure) => String(failure.index)) },
        details: failures.flatMap((failure) =>
          failure.details.map((detail) => ({
            ...detail,
            context: { ...detail.context, inputIndex: [String(failure.index)], ...idContext(failure) },
          })),
        ),
      });
    });
    return { results, requestedAt, startedAt, completedAt: this.clock.now() };
  }

  private async run(
    token: AccessToken,
    inputs: unknown[],
    requestedAt: number,
    bodyBytes: number | undefined,
    failed: (failures: InputFailure[]) => ApiError,
  ): Promise<StoredOccurrence[]> {
    await this.intake.admit();
    const ctx: OccurrenceContext = { portalId: token.portalId, now: requestedAt, limits: this.intake.limits };
    if (bodyBytes !== undefined) ctx.bodyBytes = bodyBytes;
    const typeNames = inputs.map(eventTypeNameOf);
    const outcomes = await this.intake.take({
      api: 'app-events',
      inputs,
      now: requestedAt,
      atomic: true,
      reader: async () => {
        // Each type once, then every input without waiting (a batch names one type or a few).
        const distinct = [...new Set(typeNames.flatMap(({ name }) => (name === undefined ? [] : [name])))];
        const found = await Promise.all(distinct.map((name) => this.types.find(token.appId, name)));
        const types = new Map(distinct.map((name, i) => [name, found[i]]));
        // The custom objects the inputs name, each resolved once.
        const objectNames = [...new Set(inputs.map(customObjectNameOf).filter((n) => n !== undefined))];
        const resolved = await Promise.all(
          objectNames.map((name) => this.customObjectType(token.portalId, name)),
        );
        const customObjectTypes = new Map<string, string>();
        objectNames.forEach((name, i) => {
          const id = resolved[i];
          if (id !== undefined) customObjectTypes.set(name, id);
        });
        ctx.customObjectTypes = customObjectTypes;
        return (input, index) => {
          const { name, problems } = typeNames[index] as ReturnType<typeof eventTypeNameOf>;
          if (name === undefined) throw invalidInput(problems);
          const type = types.get(name);
          if (!type) {
            const message = errorMessage('APP_EVENT_TYPE_UNKNOWN', {
              eventTypeName: name,
              appId: token.appId,
            });
            throw invalidInput([{ message, code: 'INVALID_VALUE', in: 'eventTypeName' }]);
          }
          return toOccurrenceWrite(input as Record<string, unknown>, type, ctx);
        };
      },
    });
    const stored: StoredOccurrence[] = [];
    const failures: InputFailure[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) {
        stored.push({ eventTypeName: typeNames[index]?.name as string, event: outcome.event });
        return;
      }
      // The others of a batch that failed: not stored, but not at fault either.
      if (outcome.stage === 'not-stored') return;
      if (outcome.stage === 'input') {
        const { error } = outcome;
        const details = error.details.length > 0 ? error.details : [{ message: error.message }];
        failures.push({ index, id: idOf(inputs[index]), conflict: false, details });
        return;
      }
      const conflict = outcome.code === 'EVENT_ID_IN_USE';
      const message = errorMessage(outcome.code, outcome.params);
      failures.push({
        index,
        id: outcome.write.event.id,
        conflict,
        details: [
          conflict
            ? { message: errorMessage('OCCURRENCE_EXISTS'), in: 'id' }
            : { message, code: 'INVALID_VALUE', in: failedWriteField(outcome.code, 'occurrence') },
        ],
      });
    });
    if (failures.length > 0) throw failed(failures);
    return stored;
  }
}

function idOf(input: unknown): string | undefined {
  const id = (input as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function idContext(failure: InputFailure | undefined): Record<string, string[]> {
  return failure?.id === undefined ? {} : { id: [failure.id] };
}
