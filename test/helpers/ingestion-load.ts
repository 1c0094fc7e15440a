/**
 * Sustained batch ingestion from several concurrent clients against a running server, for the
 * crash, outage and shutdown tests. Every event has an id of its own and a `ref` token,
 * equal to that id, stamped on its record's `crash_ref` property; each event goes to a record no
 * other event touches (a new contact by email, or a contact created for it beforehand), so after
 * any crash every stored event must have exactly its stamp and every stamp exactly its event.
 *
 * The ledger keeps what the server acknowledged (each event as a 201, or a result in a 207, gave
 * it back) and counts every other outcome; anything but 201/207 or a 503 in HubSpot's envelope is
 * recorded as unexpected.
 */

import type { SeededRandom } from './seeded-random.js';
import { SERVE_CREDENTIALS } from './serve-process.js';

const V3 = '/integrators/timeline/v3';

export const PROBE_TEMPLATE = {
  name: 'Crash probe',
  objectType: 'contacts',
  headerTemplate: 'Probe {{ref}} #{{n}}',
  tokens: [
    { name: 'ref', label: 'Reference', type: 'string', objectPropertyName: 'crash_ref' },
    { name: 'n', label: 'Number', type: 'number' },
  ],
} as const;

type Wire = Record<string, unknown>;

export class Ledger {
  /** Event id -> the event as the server answered it when it acknowledged it. */
  readonly acknowledged = new Map<string, Wire>();
  readonly counts = { requests: 0, created: 0, unavailable: 0, connectionErrors: 0 };
  /** Answers that must not happen (a 500, a 400, a 503 in another shape): empty when all is well. */
  readonly unexpected: string[] = [];
}

const bearer = { authorization: `Bearer ${SERVE_CREDENTIALS.accessToken}` };

/** Creates the probe template (answers its id). */
export async function createProbeTemplate(url: string): Promise<string> {
  const response = await fetch(
    `${url}${V3}/${SERVE_CREDENTIALS.appId}/event-templates?hapikey=${SERVE_CREDENTIALS.developerApiKey}`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PROBE_TEMPLATE) },
  );
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id)
    throw new Error(`template: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** Creates `count` contacts without a `crash_ref`, for events to stamp by objectId. */
export async function createContacts(url: string, count: number, tag: string): Promise<string[]> {
  const create = async (i: number): Promise<string> => {
    const response = await fetch(`${url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: `pool-${tag}-${i}@crash.example` } }),
    });
    const body = (await response.json()) as { id?: string };
    if (response.status !== 201 || !body.id) {
      throw new Error(`contact: ${response.status} ${JSON.stringify(body)}`);
    }
    return body.id;
  };
  return Promise.all(Array.from({ length: count }, (_, i) => create(i)));
}

/** Whether an answer is HubSpot's 503 envelope (with its correlation id in the header too). */
function isHubSpot503(body: Wire | undefined, headers: Headers): boolean {
  return (
    body?.status === 'error' &&
    body.category === 'SERVICE_UNAVAILABLE' &&
    typeof body.message === 'string' &&
    typeof body.correlationId === 'string' &&
    headers.get('x-hubspot-correlation-id') === body.correlationId
  );
}

export interface LoadOptions {
  url: string;
  templateId: string;
  clients: number;
  rng: SeededRandom;
  /** Makes event ids unique across runs and cycles. */
  tag: string;
  /** Contacts without a stamp yet; events take (and use up) ids from here. */
  contacts: string[];
  ledger: Ledger;
  maxBatch?: number;
}

/** Several clients sending batches until `stop()`. */
export class IngestionLoad {
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private sequence = 0;

  constructor(private readonly options: LoadOptions) {}

  start(): this {
    for (let client = 0; client < this.options.clients; client++) this.loops.push(this.run(client));
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private batch(client: number): Wire[] {
    const { rng, tag, templateId, contacts } = this.options;
    const size = rng.int(1, this.options.maxBatch ?? 40);
    const inputs: Wire[] = [];
    for (let i = 0; i < size; i++) {
      const n = this.sequence++;
      const id = `${tag}-${client}-${n}`;
      const input: Wire = {
        eventTemplateId: templateId,
        id,
        tokens: { ref: id, n },
        extraData: { n, payload: rng.text(rng.int(0, 600)) },
      };
      const contact = rng.next() < 0.2 ? contacts.pop() : undefined;
      if (contact) input.objectId = contact;
      else input.email = `${id}@crash.example`;
      inputs.push(input);
    }
    return inputs;
  }

  private async run(client: number): Promise<void> {
    const { url, ledger } = this.options;
    while (!this.stopped) {
      const inputs = this.batch(client);
      ledger.counts.requests++;
      let status: number;
      let headers: Headers;
      let text: string;
      try {
        const response = await fetch(`${url}${V3}/events/batch/create`, {
          method: 'POST',
          headers: { ...bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ inputs }),
        });
        status = response.status;
        headers = response.headers;
        text = await response.text();
      } catch {
        // No answer (the process died, or the connection was cut): nothing was acknowledged.
        ledger.counts.connectionErrors++;
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      this.record(status, headers, text);
    }
  }

  private record(status: number, headers: Headers, text: string): void {
    const { ledger } = this.options;
    let body: Wire | undefined;
    try {
      body = JSON.parse(text) as Wire;
    } catch {
      body = undefined;
    }
    if (status === 201 || status === 207) {
      const results = (body?.results ?? []) as Wire[];
      for (const result of results) ledger.acknowledged.set(String(result.id), result);
      ledger.counts.created += results.length;
      if (status === 207) ledger.unexpected.push(`207 ${text.slice(0, 300)}`);
    } else if (status === 503 && isHubSpot503(body, headers)) {
      ledger.counts.unavailable++;
    } else {
      ledger.unexpected.push(`${status} ${text.slice(0, 300)}`);
    }
  }
}

/**
 * GETs every acknowledged event back and compares it with the answer that acknowledged it:
 * answers the problems found (empty when every one is present and identical).
 */
export async function checkAcknowledged(
  url: string,
  templateId: string,
  events: Iterable<[string, Wire]>,
  concurrency = 8,
): Promise<string[]> {
  const queue = [...events];
  const problems: string[] = [];
  const worker = async () => {
    for (let next = queue.pop(); next; next = queue.pop()) {
      const [id, expected] = next;
      const response = await fetch(`${url}${V3}/events/${templateId}/${encodeURIComponent(id)}`, {
        headers: bearer,
      });
      const text = await response.text();
      if (response.status !== 200) problems.push(`${id}: ${response.status} ${text.slice(0, 200)}`);
      else if (JSON.stringify(sortKeys(JSON.parse(text))) !== JSON.stringify(sortKeys(expected))) {
        problems.push(
          `${id}: stored ${text.slice(0, 300)} but acknowledged ${JSON.stringify(expected).slice(0, 300)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return problems;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Wire)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** One stored probe event (its id and record) and one stamp (`crash_ref` and its record). */
export interface StoredProbe {
  events: { eventId: string; objectId: string }[];
  stamps: { ref: string; objectId: string }[];
}

/**
 * The half-written check: every stored event has its stamp on its own record and every stamp its
 * event, and every acknowledged event is stored. Answers the problems found.
 */
export function checkWhole(stored: StoredProbe, acknowledged: Map<string, Wire>): string[] {
  const problems: string[] = [];
  const stampOf = new Map(stored.stamps.map((s) => [s.ref, s.objectId]));
  const eventOf = new Map(stored.events.map((e) => [e.eventId, e.objectId]));
  for (const { eventId, objectId } of stored.events) {
    const stamped = stampOf.get(eventId);
    if (stamped !== objectId)
      problems.push(`event ${eventId} on ${objectId}: its stamp is on ${stamped ?? 'no record'}`);
  }
  for (const { ref, objectId } of stored.stamps) {
    if (!eventOf.has(ref))
      problems.push(`record ${objectId} carries the stamp ${ref} of an event not stored`);
  }
  for (const id of acknowledged.keys()) {
    if (!eventOf.has(id)) problems.push(`acknowledged event ${id} is not stored`);
  }
  return problems;
}
