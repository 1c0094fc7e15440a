/**
 * Where a value sits in the raw body, as a line and column the way Jackson reports them (both
 * 1-based), so a body HubSpot's parser refuses gets `Invalid input JSON on line L, column C: …`.
 * Only failed requests pay for it: the body is parsed again with offsets (jsonc-parser).
 */
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { JsonPath } from '../domain/events/v3-event-parsing.js';

export interface TextPosition {
  line: number;
  column: number;
}

/** The start of the value at `path`, or the character just past it (`end`); line 1, column 1 if unknown. */
export function locate(raw: string | undefined, path: JsonPath, at: 'start' | 'end'): TextPosition {
  if (raw === undefined) return { line: 1, column: 1 };
  const root = parseTree(raw);
  const node = root ? findNodeAtLocation(root, path) : undefined;
  if (!node) return { line: 1, column: 1 };
  return positionOf(raw, at === 'start' ? node.offset : node.offset + node.length);
}

function positionOf(text: string, offset: number): TextPosition {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return { line, column: offset - lineStart + 1 };
}
