/**
 * Builds the `EventWrite`s the conformance suite sends, the way `domain/event-input.ts` does: the
 * record identifiers are echoed in the event, the fingerprint covers what the caller sent.
 */

import type { EventWrite, RecordRef, Store } from '../../src/domain/store.js';
import type { EventTemplate, TimelineIFrame } from '../../src/domain/types.js';
import { webinarNewTemplate } from '../helpers/webinar-template.js';

export const T0 = Date.parse('2024-05-01T12:00:00Z');

export interface WriteSpec {
  id?: string;
  tokens?: Record<string, string>;
  stamps?: Record<string, string>;
  extraData?: unknown;
  timelineIFrame?: TimelineIFrame;
  timestamp?: number;
  createdAt?: number;
  /** Defaults to a digest of everything above; give one to make a different event with the same id. */
  fingerprint?: string;
}

let counter = 0;

export function eventWrite(
  portalId: number,
  template: Pick<EventTemplate, 'id' | 'objectType'>,
  record: RecordRef,
  spec: WriteSpec = {},
): EventWrite {
  counter += 1;
  const event: EventWrite['event'] = {
    eventTemplateId: template.id,
    id: spec.id ?? `event-${counter}`,
    objectType: template.objectType,
    timestamp: spec.timestamp ?? T0,
    createdAt: spec.createdAt ?? T0 + 1000,
    tokens: spec.tokens ?? {},
  };
  if ('extraData' in spec) event.extraData = spec.extraData;
  if (spec.timelineIFrame) event.timelineIFrame = spec.timelineIFrame;
  if ('email' in record && record.email !== undefined) event.email = record.email;
  if (record.by === 'utk') event.utk = record.utk;
  if (record.by === 'objectId' && record.domain !== undefined) event.domain = record.domain;
  const fingerprint =
    spec.fingerprint ??
    JSON.stringify([
      template.id,
      event.id,
      record,
      event.tokens,
      spec.extraData,
      spec.timelineIFrame,
      spec.timestamp,
    ]);
  return { portalId, event, record, stamps: spec.stamps ?? {}, fingerprint };
}

/** The shared webinar template, stored with that object type for the app; fails the test when the store refuses. */
export async function storedTemplate(
  store: Store,
  appId: number,
  objectType = 'contacts',
): Promise<EventTemplate> {
  const result = await store.insertTemplate(appId, webinarNewTemplate(T0, { objectType }), 750);
  if ('ok' in result) throw new Error(`insertTemplate failed: ${result.code}`);
  return result;
}
