import sanitizeHtml from 'sanitize-html';
import { isSafeUrl } from './safe-urls.js';

/** Every tag markdown-it can produce with `html: false`; anything else is dropped. */
const ALLOWED_TAGS = [
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  'a',
  'img',
  'ul',
  'ol',
  'li',
  'code',
  'pre',
  'blockquote',
  'hr',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  's',
  'del',
];

// markdown-it escapes attribute values with exactly these four references.
const ATTRIBUTE_REFERENCES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
};

/**
 * Decodes an attribute value as markdown-it writes it. Entity decoding is off in the sanitiser
 * (see below), so the raw value is what a browser would decode; any reference other than the four
 * markdown-it emits cannot come from our pipeline and makes the value unusable (`undefined`).
 */
function decodeAttribute(value: string): string | undefined {
  let unknownReference = false;
  const decoded = value.replace(/&[^;&\s]*;?/g, (ref) => {
    const plain = ATTRIBUTE_REFERENCES[ref];
    if (plain === undefined) unknownReference = true;
    return plain ?? '';
  });
  return unknownReference ? undefined : decoded;
}

function dropUnsafeUrl(attribute: string): sanitizeHtml.Transformer {
  return (tagName, attribs) => {
    const value = attribs[attribute];
    if (value !== undefined) {
      const decoded = decodeAttribute(value);
      if (decoded === undefined || !isSafeUrl(decoded)) {
        const { [attribute]: _dropped, ...rest } = attribs;
        return { tagName, attribs: rest };
      }
    }
    return { tagName, attribs };
  };
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  // Keep character references exactly as markdown-it wrote them: decoding and re-encoding would
  // turn HubSpot's `&#x27;` into a bare `'`. References are re-checked above for URL attributes.
  parser: { decodeEntities: false },
  transformTags: { a: dropUnsafeUrl('href'), img: dropUnsafeUrl('src') },
};

/** Second line of defence after markdown-it: a strict tag/attribute/scheme whitelist. */
export function sanitizeOutput(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
