/**
 * The Markdown step of HubSpot's template rendering: the Handlebars output to the HTML HubSpot
 * returns.
 */
import MarkdownIt from 'markdown-it';
import { isSafeUrl } from './safe-urls.js';
import { sanitizeOutput } from './sanitize-output.js';
import { splitParagraphs } from './split-paragraphs.js';
import { stripRawHtml } from './strip-raw-html.js';

/**
 * Raw HTML is recognised (`html: true`) only to be stripped (strip-raw-html.ts: HubSpot strips it
 * rather than escaping it); bare URLs are not turned into links and newlines inside a paragraph
 * are not `<br>`s.
 */
const md = new MarkdownIt({ html: true, linkify: false, breaks: false, typographer: false });
md.use(stripRawHtml);

/** While rendering a template shape (shape-render.ts): the link URLs the whitelist refused. */
let refusedLinks: string[] | undefined;

// markdown-it's own check only blacklists a few schemes; keep http(s)/mailto and relative URLs.
// It is given the destination after entity decoding and normalisation (percent-encoding).
md.validateLink = (url: string): boolean => {
  const safe = isSafeUrl(url);
  if (!safe) refusedLinks?.push(url);
  return safe;
};

/**
 * HubSpot quirk: Handlebars' escapes survive the Markdown step untouched – its documented example
 * prints `Who&#x27;s a good kitty?`. markdown-it decodes character references in text (and would
 * print a bare `'`), so in text we turn each reference back into its original spelling. Such a
 * token is a syntactically complete reference (`&name;` from the HTML5 list, `&#123;`, `&#x1F;`),
 * which cannot open a tag or an attribute, so emitting it verbatim is safe. Image children are not
 * touched: their text ends up in the `alt` attribute, where the decoded text is escaped again.
 */
md.core.ruler.before('text_join', 'keep_character_references', (state) => {
  for (const block of state.tokens) {
    if (block.type !== 'inline' || block.children === null) continue;
    for (const token of block.children) {
      if (token.type === 'text_special' && token.info === 'entity') {
        token.type = 'html_inline';
        token.content = token.markup;
      }
    }
  }
});

/**
 * Markdown (the output of the Handlebars step) to the HTML HubSpot returns: one paragraph per
 * line (see split-paragraphs.ts), Markdown, a whitelist sanitiser, and no newlines between tags –
 * HubSpot quirk: its documented example reads `<p>...</p><h4>Questions</h4><p>...`.
 */
export function renderMarkdown(text: string): string {
  return finish(md.render(splitParagraphs(text)));
}

function finish(rendered: string): string {
  const html = sanitizeOutput(rendered);
  // markdown-it ends every block tag with exactly one '\n'; inside code blocks a '>' is always
  // escaped, so '>\n<' only ever sits between two tags.
  return html.replace(/>\n+</g, '><').replace(/\n+$/, '');
}

/**
 * renderMarkdown, also telling what in the text depended on more than its characters' classes:
 * the link URLs the whitelist refused, and whether the text defines link references (whose labels
 * decide which `[text]` become links). For template shapes (shape-render.ts).
 */
export function renderMarkdownReporting(text: string): {
  html: string;
  refusedLinks: string[];
  definesReferences: boolean;
} {
  const env: NonNullable<Parameters<typeof md.render>[1]> = {};
  const refused: string[] = [];
  refusedLinks = refused;
  try {
    const html = finish(md.render(splitParagraphs(text), env));
    return { html, refusedLinks: refused, definesReferences: Object.keys(env.references ?? {}).length > 0 };
  } finally {
    refusedLinks = undefined;
  }
}
