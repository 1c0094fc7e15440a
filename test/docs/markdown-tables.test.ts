/**
 * The tables of README.md and docs/*.md render as tables: no row is left in a paragraph (rows after
 * text without a header and a `|---|` line render as raw `| … |` text), and every row has the cells
 * of its header (markdown drops the extra ones silently). Read with the Markdown parser the server
 * itself uses, which follows GitHub's tables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { documents } from './doc-blocks.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A table line's cells: split at each `|` not escaped, without the outer ones. */
function cellCount(line: string): number {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/).length;
}

describe('tables of README.md and docs/*.md', () => {
  for (const doc of documents(ROOT)) {
    it(`${doc}: every table row is in a table with a header, and has its header's cells`, () => {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      const lines = text.split('\n');
      const tokens = new MarkdownIt().parse(text, {});
      const problems: string[] = [];
      tokens.forEach((token, i) => {
        if (token.type === 'inline' && tokens[i - 1]?.type === 'paragraph_open') {
          const first = (tokens[i - 1]?.map?.[0] ?? 0) + 1;
          token.content.split('\n').forEach((line, offset) => {
            if (/^\s*\|.*\|\s*$/.test(line))
              problems.push(`${doc}:${first + offset}: a table row in a paragraph`);
          });
        }
        if (token.type === 'table_open' && token.map) {
          const [start, end] = token.map;
          const header = cellCount(lines[start] ?? '');
          for (let n = start + 1; n < end; n++) {
            const cells = cellCount(lines[n] ?? '');
            if (cells !== header) problems.push(`${doc}:${n + 1}: ${cells} cells, its header has ${header}`);
          }
        }
      });
      assert.deepEqual(problems, []);
    });
  }
});
