/**
 * An event's `timelineIFrame`, as both event APIs read it: all five fields are required, three of
 * them text and two whole numbers. The APIs differ only in which JSON values they take for each
 * (v3 coerces scalars as Jackson does; app events take exact types) and in how they report a
 * problem, so each passes its own readers and turns the reading into its own errors.
 */
import type { JsonObject } from '../json.js';
import type { TimelineIFrame } from '../types.js';

export const IFRAME_TEXT_FIELDS = ['linkLabel', 'headerLabel', 'url'] as const;
export const IFRAME_SIZE_FIELDS = ['width', 'height'] as const;
export type IFrameField = (typeof IFRAME_TEXT_FIELDS)[number] | (typeof IFRAME_SIZE_FIELDS)[number];

export interface IFrameReaders {
  /** The field's text, or undefined when the value is not acceptable as text. */
  text(value: unknown): string | undefined;
  /** The field's whole number, or undefined when the value is not acceptable as one. */
  size(value: unknown): number | undefined;
}

export interface IFrameReading {
  /** Present when every field was read. */
  frame?: TimelineIFrame;
  /** Fields absent (or null), in field order. */
  missing: IFrameField[];
  /** Fields present with a value of the wrong kind, in field order, with what was expected. */
  wrong: { field: IFrameField; expected: 'text' | 'size' }[];
}

export function readIFrameFields(value: JsonObject, readers: IFrameReaders): IFrameReading {
  const missing: IFrameField[] = [];
  const wrong: IFrameReading['wrong'] = [];
  const text: Partial<Record<(typeof IFRAME_TEXT_FIELDS)[number], string>> = {};
  const sizes: Partial<Record<(typeof IFRAME_SIZE_FIELDS)[number], number>> = {};
  for (const field of IFRAME_TEXT_FIELDS) {
    const raw = value[field];
    if (raw === undefined || raw === null) missing.push(field);
    else {
      const read = readers.text(raw);
      if (read === undefined) wrong.push({ field, expected: 'text' });
      else text[field] = read;
    }
  }
  for (const field of IFRAME_SIZE_FIELDS) {
    const raw = value[field];
    if (raw === undefined || raw === null) missing.push(field);
    else {
      const read = readers.size(raw);
      if (read === undefined) wrong.push({ field, expected: 'size' });
      else sizes[field] = read;
    }
  }
  if (missing.length > 0 || wrong.length > 0) return { missing, wrong };
  return {
    frame: {
      linkLabel: text.linkLabel as string,
      headerLabel: text.headerLabel as string,
      url: text.url as string,
      width: sizes.width as number,
      height: sizes.height as number,
    },
    missing,
    wrong,
  };
}
