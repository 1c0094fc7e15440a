/**
 * The one codec of paging cursors, for the record timeline API and the web UI alike: a position in
 * a list, as opaque text (base64url JSON of its values). A cursor this server did not make decodes
 * to undefined; callers answer that as a bad `after`.
 */
import type { ActivityPosition, TemplatePosition, TimelinePosition } from './store.js';

function encode(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decode(text: string, shape: readonly ('string' | 'number')[]): unknown[] | undefined {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const valid =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((value, i) =>
      shape[i] === 'number' ? Number.isSafeInteger(value) : typeof value === 'string' && value !== '',
    );
  return valid ? (values as unknown[]) : undefined;
}

/** A position in a record's timeline (newest first). */
export const timelineCursor = {
  encode: (position: TimelinePosition): string =>
    encode([position.timestamp, position.id, position.eventTemplateId]),
  decode: (text: string): TimelinePosition | undefined => {
    const values = decode(text, ['number', 'string', 'string']);
    return (
      values && {
        timestamp: values[0] as number,
        id: values[1] as string,
        eventTemplateId: values[2] as string,
      }
    );
  },
};

/** A position in a portal's records by latest activity. */
export const activityCursor = {
  encode: (position: ActivityPosition): string => encode([position.lastEventAt, position.objectId]),
  decode: (text: string): ActivityPosition | undefined => {
    const values = decode(text, ['number', 'string']);
    return values && { lastEventAt: values[0] as number, objectId: values[1] as string };
  },
};

/** A position in the templates list (by app, then template id). */
export const templateCursor = {
  encode: (position: TemplatePosition): string => encode([position.appId, position.id]),
  decode: (text: string): TemplatePosition | undefined => {
    const values = decode(text, ['number', 'string']);
    return values && { appId: values[0] as number, id: values[1] as string };
  },
};
