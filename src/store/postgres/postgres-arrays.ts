/**
 * Array parameters in PostgreSQL's binary format. The batch statements take their rows
 * as arrays (`unnest($1::text[], ...)`); pg sends a JS array as an array literal, which it builds by
 * escaping every quote and backslash of every element (the event bodies are JSON, full of quotes)
 * and PostgreSQL parses back character by character (`array_in`). A Buffer goes as a binary
 * parameter instead: a header, then each element's length and bytes (`array_recv`), with no
 * escaping on either side. Format: src/backend/utils/adt/arrayfuncs.c (array_send), one dimension.
 *
 * The parameter's type comes from the statement's cast (`$1::text[]`); the element type written
 * here must be that type's, or PostgreSQL refuses the value ("binary data has array element type ...").
 */

const INT8 = 20;
const TEXT = 25;
const BOOL = 16;

/** Header of a one-dimensional array of `count` elements (an empty array has no dimension). */
function header(buffer: Buffer, count: number, hasNull: boolean, elementType: number): number {
  buffer.writeInt32BE(count === 0 ? 0 : 1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeInt32BE(elementType, 8);
  if (count === 0) return 12;
  buffer.writeInt32BE(count, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  return 20;
}

const headerSize = (count: number): number => (count === 0 ? 12 : 20);

/** A `text[]` parameter; `null` elements are SQL NULLs. */
export function textArray(values: readonly (string | null)[]): Buffer {
  let size = headerSize(values.length);
  let hasNull = false;
  const lengths = values.map((value) => {
    if (value === null) {
      hasNull = true;
      size += 4;
      return -1;
    }
    const length = Buffer.byteLength(value, 'utf8');
    size += 4 + length;
    return length;
  });
  const buffer = Buffer.allocUnsafe(size);
  let offset = header(buffer, values.length, hasNull, TEXT);
  values.forEach((value, i) => {
    const length = lengths[i] as number;
    buffer.writeInt32BE(length, offset);
    offset += 4;
    if (value !== null) offset += buffer.write(value, offset, length, 'utf8');
  });
  return buffer;
}

/** A `bigint[]` parameter of safe integers (anything else throws, as PostgreSQL would refuse it). */
export function bigintArray(values: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(headerSize(values.length) + values.length * 12);
  let offset = header(buffer, values.length, false, INT8);
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer for a bigint[]: ${value}`);
    buffer.writeInt32BE(8, offset);
    // Two's complement in two halves: the high word signed (floor division), the low one unsigned.
    buffer.writeInt32BE(Math.floor(value / 0x1_0000_0000), offset + 4);
    buffer.writeUInt32BE(value >>> 0, offset + 8);
    offset += 12;
  }
  return buffer;
}

/** A `boolean[]` parameter. */
export function booleanArray(values: readonly boolean[]): Buffer {
  const buffer = Buffer.allocUnsafe(headerSize(values.length) + values.length * 5);
  let offset = header(buffer, values.length, false, BOOL);
  for (const value of values) {
    buffer.writeInt32BE(1, offset);
    buffer.writeUInt8(value ? 1 : 0, offset + 4);
    offset += 5;
  }
  return buffer;
}
