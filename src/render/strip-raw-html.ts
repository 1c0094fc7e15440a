/**
 * HubSpot: "Raw HTML is not allowed, and will be stripped by the handlebars and markdown
 * processors." markdown-it recognises the raw HTML of the template text (CommonMark's rules, so
 * `> quotes`, `a < b` and `<https://autolinks>` stay what they are); this plugin removes it: a tag
 * goes and its text stays (`<b>bold</b>` renders `bold`), while the content of elements that hold
 * no readable text (`script`, `style` and similar) goes with them.
 *
 * Token values never reach this as HTML: Handlebars escapes every value (even `{{{triple}}}`, see
 * renderer.ts), so a value's `<` arrives as `&lt;`, which markdown-it reads as a character
 * reference, never as a tag.
 */
import type MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/** Elements whose content is code, styling or fallback, not text: dropped whole. */
export const CONTENT_DROPPING_TAGS = [
  'script',
  'style',
  'textarea',
  'noscript',
  'iframe',
  'title',
  'template',
  'xmp',
  'noembed',
  'noframes',
  'object',
  'svg',
  'math',
];

/** Only the text of an HTML block, escaped; no tag survives. */
const TEXT_ONLY: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  nonTextTags: CONTENT_DROPPING_TAGS,
  disallowedTagsMode: 'discard',
};

const OPENING_TAG = /^<([A-Za-z][A-Za-z0-9-]*)/;
const CLOSING_TAG = /^<\/([A-Za-z][A-Za-z0-9-]*)/;

type Markdown = InstanceType<typeof MarkdownIt>;
type Token = ReturnType<Markdown['parse']>[number];

export function stripRawHtml(md: Markdown): void {
  md.core.ruler.after('inline', 'strip_raw_html', (state) => {
    const out: Token[] = [];
    for (const token of state.tokens) {
      if (token.type === 'html_block') {
        // The block's text is Markdown again (its tags gone), parsed as such.
        const text = sanitizeHtml(token.content, TEXT_ONLY).trim();
        if (text !== '') out.push(...md.parse(text, state.env));
        continue;
      }
      if (token.type === 'inline' && token.children) token.children = withoutInlineHtml(token.children);
      out.push(token);
    }
    state.tokens = out;
  });
}

/** Inline children without their HTML tags, and without what sits inside a content-dropping element. */
function withoutInlineHtml(children: Token[]): Token[] {
  const kept: Token[] = [];
  let dropping: string | undefined;
  for (const child of children) {
    if (child.type === 'html_inline') {
      const opening = OPENING_TAG.exec(child.content)?.[1]?.toLowerCase();
      const closing = CLOSING_TAG.exec(child.content)?.[1]?.toLowerCase();
      if (dropping === undefined && opening && CONTENT_DROPPING_TAGS.includes(opening)) dropping = opening;
      else if (dropping !== undefined && closing === dropping) dropping = undefined;
      continue;
    }
    if (dropping === undefined) kept.push(child);
  }
  return kept;
}
