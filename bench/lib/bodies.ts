/**
 * The load both targets receive: the event template our server is given, and request bodies of
 * events with tokens and extraData for emails drawn from a pool.
 */

import { webinarTemplate } from '../../test/helpers/webinar-template.js';

export const API = '/integrators/timeline/v3';
export const BATCH_PATH = `${API}/events/batch/create`;
export const SINGLE_PATH = `${API}/events`;

/**
 * The template every benchmark event uses: the suites' own (a stamped string token, a number and an
 * enumeration among others); the events fill three of its tokens.
 */
export const TEMPLATE = webinarTemplate;

export interface BenchEvent {
  eventTemplateId: string;
  email: string;
  tokens: Record<string, string>;
  extraData: { source: string; questions: { question: string; answer: string }[] };
}

/**
 * One event for a random email of a pool of `poolSize` (`${prefix}-${n}@example.com`). Its stamped
 * token (`webinarName`, onto the contact's `last_webinar`) is the same for every event of an email,
 * so only a contact's first event changes it; with `stampEvery` it is new in each event, so nearly
 * every event changes its contact (the load where every event stamps).
 */
export function benchEvent(
  templateId: string,
  poolSize: number,
  prefix = 'person',
  stampEvery = false,
): BenchEvent {
  const n = Math.floor(Math.random() * poolSize);
  const webinar = stampEvery ? Math.floor(Math.random() * 1e9) : n % 50;
  return {
    eventTemplateId: templateId,
    email: `${prefix}-${n}@example.com`,
    tokens: { webinarName: `Webinar ${webinar}`, seats: String(n % 9), tier: n % 2 ? 'paid' : 'free' },
    extraData: { source: 'bench', questions: [{ question: 'Why?', answer: `Because ${n}` }] },
  };
}

/** `count` distinct batch bodies of `batchSize` events each. */
export function batchBodies(
  templateId: string,
  batchSize: number,
  poolSize: number,
  count = 200,
  stampEvery = false,
): string[] {
  return Array.from({ length: count }, () =>
    JSON.stringify({
      inputs: Array.from({ length: batchSize }, () => benchEvent(templateId, poolSize, 'person', stampEvery)),
    }),
  );
}

/** `count` distinct single-event bodies. */
export function singleBodies(templateId: string, poolSize: number, count = 2000): string[] {
  return Array.from({ length: count }, () => JSON.stringify(benchEvent(templateId, poolSize)));
}

// The app-events path, measured beside v3's

export const APP_EVENT_BATCH_PATH = '/integrators/timeline/2026-03/events/batch';
/** Replaced by the request number in each sent body (`runLoad`'s uniquePlaceholder): ids never repeat. */
export const REQUEST_NUMBER = '@@REQ@@';

/** The bench template's tokens as an hsmeta document's properties (app events have no stamping). */
export const APP_EVENT_TYPE = {
  uid: 'bench_registration',
  type: 'app-event',
  config: {
    name: 'Bench registration',
    objectType: 'CONTACT',
    headerTemplate: TEMPLATE.headerTemplate,
    properties: TEMPLATE.tokens.map(({ name, label, type, ...rest }) =>
      'options' in rest ? { name, label, type, options: rest.options } : { name, label, type },
    ),
  },
};

/** `count` batch bodies of occurrences like benchEvent's, each id unique per request and position. */
export function appEventBatchBodies(
  eventTypeName: string,
  batchSize: number,
  poolSize: number,
  prefix: string,
  count = 200,
): string[] {
  return Array.from({ length: count }, () =>
    JSON.stringify({
      inputs: Array.from({ length: batchSize }, (_, i) => {
        const { email, tokens, extraData } = benchEvent('', poolSize);
        return {
          eventTypeName,
          id: `bench-${prefix}-${REQUEST_NUMBER}-${i}`,
          email,
          properties: tokens,
          extraData,
        };
      }),
    }),
  );
}
