/**
 * Sends one batch through `POST /integrators/timeline/v3/events/batch/create` and says what became
 * of each event. 201: all stored. 207: HubSpot's partial result, `results` holding the stored ones
 * in input order and `errors` one StandardError per failed input (this server names the input in
 * `context.inputIndex`). A whole-request 400 or 413 (one input the server cannot even parse, or a
 * body over its limit) is split in halves until the culprit stands alone, so it alone is rejected.
 */

import { TEMPLATE_PATH } from '../api-paths.js';
import { CliError } from '../cli-error.js';
import { answerMessage, type HttpAnswer, type HubSpotHttp } from '../hubspot-http.js';
import type { RejectError } from './rejects-writer.js';

export interface BatchItem {
  position: number;
  line: number;
  event: Record<string, unknown>;
}

export type ItemOutcome =
  | { kind: 'created' }
  | { kind: 'alreadyPresent' }
  | { kind: 'rejected'; error: RejectError };

interface StandardErrorWire {
  message?: string;
  category?: string;
  context?: { inputIndex?: string[]; id?: string[] };
  errors?: unknown[];
}

interface BatchWire {
  results?: { id?: string; createdAt?: string }[];
  requestedAt?: string;
  errors?: StandardErrorWire[];
}

export async function sendBatch(http: HubSpotHttp, items: readonly BatchItem[]): Promise<ItemOutcome[]> {
  const answer = await http.request('POST', `${TEMPLATE_PATH}/events/batch/create`, {
    auth: 'bearer',
    body: { inputs: items.map((item) => item.event) },
  });
  if (answer.status === 201 || answer.status === 207) return outcomes(items, answer.json as BatchWire);
  if (answer.status === 401 || answer.status === 403) {
    throw new CliError(
      `the target refused the access token: ${answerMessage(answer)}`,
      'check --access-token (or HUBSPOT_ACCESS_TOKEN): it must be of the portal and app owning the templates, with scope timeline',
    );
  }
  if (answer.status === 400 || answer.status === 413) {
    if (items.length === 1) return [{ kind: 'rejected', error: serverError(answer) }];
    const half = Math.ceil(items.length / 2);
    return [...(await sendBatch(http, items.slice(0, half))), ...(await sendBatch(http, items.slice(half)))];
  }
  throw new CliError(
    `the batch create answered ${answerMessage(answer)}`,
    'check --base-url points at a HubSpot-compatible API, then run the import again with --resume',
  );
}

function outcomes(items: readonly BatchItem[], body: BatchWire): ItemOutcome[] {
  const result: (ItemOutcome | undefined)[] = new Array(items.length);
  const unplaced: StandardErrorWire[] = [];
  for (const error of body.errors ?? []) {
    const index = Number(error.context?.inputIndex?.[0]);
    const byIndex = Number.isInteger(index) && index >= 0 && index < items.length ? index : undefined;
    // HubSpot itself names the event id in context.id when it does not give an index.
    const byId = byIndex ?? items.findIndex((item) => error.context?.id?.includes(String(item.event.id)));
    if (byId !== undefined && byId >= 0 && result[byId] === undefined) result[byId] = rejected(error);
    else unplaced.push(error);
  }
  // `results` holds the stored events in input order. A new event was created by this request, so
  // its createdAt is the request's time; a replay (an identical re-send) keeps its first createdAt.
  const requestedAt = body.requestedAt;
  let next = 0;
  const results = body.results ?? [];
  for (let i = 0; i < items.length; i += 1) {
    if (result[i] !== undefined) continue;
    const stored = results[next];
    if (stored !== undefined) {
      next += 1;
      const replay =
        requestedAt !== undefined && stored.createdAt !== undefined && stored.createdAt < requestedAt;
      result[i] = { kind: replay ? 'alreadyPresent' : 'created' };
    } else {
      const error = unplaced.shift();
      result[i] = error
        ? rejected(error)
        : {
            kind: 'rejected',
            error: {
              source: 'server',
              message: 'the server answered neither a result nor an error for this event',
            },
          };
    }
  }
  return result as ItemOutcome[];
}

function rejected(error: StandardErrorWire): ItemOutcome {
  const out: RejectError = { source: 'server', message: error.message ?? 'rejected' };
  if (error.category !== undefined) out.category = error.category;
  if (error.errors !== undefined) out.errors = error.errors;
  return { kind: 'rejected', error: out };
}

function serverError(answer: HttpAnswer): RejectError {
  const body = (answer.json ?? {}) as StandardErrorWire;
  const out: RejectError = {
    source: 'server',
    status: answer.status,
    message: body.message ?? answer.text.slice(0, 500),
  };
  if (body.category !== undefined) out.category = body.category;
  if (body.errors !== undefined) out.errors = body.errors;
  return out;
}
