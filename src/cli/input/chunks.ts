/**
 * Decodes a byte stream into text chunks while counting bytes. Pulling chunk by chunk (no 'data'
 * listeners) keeps backpressure: nothing more is read until the consumer asks, so memory stays flat.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ByteCounter } from './input-record.js';

export async function* textChunks(
  stream: AsyncIterable<Buffer | string>,
  counter: ByteCounter,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counter.bytes += buffer.length;
    let text = decoder.write(buffer);
    // A UTF-8 byte order mark is not part of the first value.
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}
