/**
 * HubSpot quirk: every non-empty line of a rendered template becomes its own paragraph. Its
 * documented example loops `  **{{question}}**: {{answer}}` lines and gets one `<p>` per line,
 * although in Markdown consecutive lines join into a single paragraph (a "soft break").
 *
 * We reproduce it before Markdown parsing by putting a blank line between two consecutive plain
 * text lines, and dropping the indentation of the line that now starts a new paragraph (in
 * Markdown that indentation was meaningless inside the paragraph; after a blank line four spaces
 * would turn the line into a code block). Lines that take part in other block structures are left
 * exactly as written so those keep their Markdown meaning:
 * - fenced code blocks (everything from an opening ``` or ~~~ fence to its closing fence);
 * - list items, block quotes and everything that follows them up to the next blank line (lazy
 *   continuation lines and nested content stay inside the item / quote, tight lists stay tight);
 * - table rows: consecutive lines that contain a `|`;
 * - ATX headings (`#`), thematic breaks and setext underlines (`Title` + `===`), which end or
 *   form blocks by themselves.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const LIST_ITEM = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
const BLOCK_QUOTE = /^ {0,3}>/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;

type LineKind = 'blank' | 'plain' | 'container' | 'table' | 'standalone';

function classify(line: string): LineKind {
  if (line.trim() === '') return 'blank';
  if (LIST_ITEM.test(line) || BLOCK_QUOTE.test(line)) return 'container';
  if (ATX_HEADING.test(line) || THEMATIC_BREAK.test(line) || SETEXT_UNDERLINE.test(line)) return 'standalone';
  if (line.includes('|')) return 'table';
  return 'plain';
}

export function splitParagraphs(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let fence: string | undefined; // the opening fence while inside a fenced code block
  let inContainer = false; // inside a list item / block quote, up to the next blank line
  let previous: LineKind = 'blank';

  for (const line of lines) {
    if (fence !== undefined) {
      out.push(line);
      const close = FENCE.exec(line);
      const marker = close?.[1];
      if (
        marker !== undefined &&
        marker[0] === fence[0] &&
        marker.length >= fence.length &&
        line.trim() === marker
      ) {
        fence = undefined;
        previous = 'standalone';
      }
      continue;
    }

    const open = FENCE.exec(line)?.[1];
    if (open !== undefined && !inContainer) {
      fence = open;
      out.push(line);
      continue;
    }

    const kind = classify(line);
    if (kind === 'blank') {
      inContainer = false;
    } else if (kind === 'container') {
      inContainer = true;
    } else if ((kind === 'plain' || kind === 'table') && previous === 'plain' && !inContainer) {
      // A table's header row may follow a text line too: a blank line in between changes nothing.
      out.push('', line.trimStart());
      previous = kind;
      continue;
    }
    out.push(line);
    previous = kind;
  }
  return out.join('\n');
}
