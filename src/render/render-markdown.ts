import { markdownToHtml } from './markdown-to-html.js';
import { sanitizeOutput } from './sanitize-output.js';
import { splitParagraphs } from './split-paragraphs.js';

/**
 * Markdown (the output of the Handlebars step) to the HTML HubSpot returns: one paragraph per
 * line (see split-paragraphs.ts), Markdown, a whitelist sanitiser, and no newlines between tags –
 * HubSpot quirk: its documented example reads `<p>...</p><h4>Questions</h4><p>...`.
 */
export function renderMarkdown(text: string): string {
  const html = sanitizeOutput(markdownToHtml(splitParagraphs(text)));
  // markdown-it ends every block tag with exactly one '\n'; inside code blocks a '>' is always
  // escaped, so '>\n<' only ever sits between two tags.
  return html.replace(/>\n+</g, '><').replace(/\n+$/, '');
}
