/**
 * The one codec of paging cursors, for the record timeline API and the web UI alike: a position in
 * a list, as opaque text (base64url JSON of its values). A cursor this server did not make decodes
 * to undefined; callers answer that as a bad `after`.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
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

/** Marks a sealed cursor; plain ones are base64url, which has no `.`. */
const SEALED = 's.';
/** Sealed text is padded to a multiple of this, so its length tells little of the event id's. */
const SEAL_BLOCK = 64;

/**
 * Record timeline cursors as a reader receives them. A page that skipped events its reader may not
 * see (another app's, for an app's token) can end on one of them; a plain cursor there would hand
 * the reader that event's id, template id and time. Such a position is sealed instead (AES-256-GCM
 * under a key of the server's), so paging goes on from it and the reader learns nothing of it. The
 * key comes from the admin token's hash: servers sharing an admin token read each other's sealed
 * cursors, and a start with a new admin token refuses the old ones as any unknown cursor is.
 */
export class TimelineCursors {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('timeline cursor').digest();
  }

  encode(position: TimelinePosition, sealed: boolean): string {
    const plain = timelineCursor.encode(position);
    if (!sealed) return plain;
    const text = Buffer.from(plain);
    const padded = Buffer.alloc(Math.ceil((text.length + 1) / SEAL_BLOCK) * SEAL_BLOCK, ' ');
    text.copy(padded);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(padded), cipher.final()]);
    return `${SEALED}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  decode(text: string): TimelinePosition | undefined {
    if (!text.startsWith(SEALED)) return timelineCursor.decode(text);
    const raw = Buffer.from(text.slice(SEALED.length), 'base64url');
    if (raw.length < 28 + SEAL_BLOCK) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      return timelineCursor.decode(plain.toString('utf8').trimEnd());
    } catch {
      return undefined;
    }
  }
}
