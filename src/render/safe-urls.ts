/**
 * URL whitelist for links and images. Decisions are taken on the URL as a browser would parse it
 * (WHATWG URL parser), not with regexes over the raw string, so case tricks, embedded tabs and
 * newlines, leading control characters and the like cannot hide a scheme.
 */

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

// Base for resolving relative URLs; `.invalid` is reserved (RFC 2606), it never resolves.
const RELATIVE_BASE = 'https://relative.invalid/';

// How many rounds of decoding to look through (`%256A` -> `%6A` -> `j`).
const MAX_DECODE_ROUNDS = 3;

function schemeIsAllowed(url: string): boolean {
  let parsed: URL;
  try {
    // The URL parser itself strips leading/trailing C0 controls and spaces and removes every
    // tab/CR/LF, exactly like a browser does before it looks for the scheme.
    parsed = new URL(url, RELATIVE_BASE);
  } catch {
    return false;
  }
  // Relative URLs and `#anchors` resolve against the https base and so are allowed.
  return ALLOWED_PROTOCOLS.has(parsed.protocol);
}

// Named references that spell URL punctuation (`javascript&colon;`); numeric ones are decoded
// generally. HTML also accepts numeric references without the final ';'.
const NAMED_REFERENCES: Record<string, string> = {
  amp: '&',
  colon: ':',
  sol: '/',
  tab: '\t',
  newline: '\n',
  nbsp: '\u00a0',
};

function decodeOnce(url: string): string {
  return (
    url
      // Byte-wise so that malformed UTF-8 sequences (`%E0%A4%A`) do not throw.
      .replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(
        /&#(?:x([0-9a-f]{1,6})|(\d{1,7}));?/gi,
        (match, hex: string | undefined, dec: string | undefined) => {
          const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
          return code <= 0x10ffff ? String.fromCodePoint(code) : match;
        },
      )
      .replace(/&([a-z]+);/gi, (match, name: string) => NAMED_REFERENCES[name.toLowerCase()] ?? match)
  );
}

/**
 * True when `url` may be used as an href/src: an http(s) or mailto URL, or a relative URL.
 * The URL is also checked after each round of percent- and character-reference decoding: a
 * `%6Aavascript:` or `&#106;avascript:` that reached an attribute would be a harmless relative
 * URL in a browser, but is refused as well in case something on the way decodes it once more.
 */
export function isSafeUrl(url: string): boolean {
  let current = url;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (!schemeIsAllowed(current)) return false;
    const decoded = decodeOnce(current);
    if (decoded === current) return true;
    current = decoded;
  }
  // Still changing after several rounds: nobody writes URLs like that on purpose.
  return false;
}

/**
 * True when `url` may be the address of an event's `timelineIFrame`: an absolute http(s) URL (a
 * frame of a relative or mailto URL means nothing), that `isSafeUrl` accepts too.
 */
export function isSafeFrameUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol } = new URL(url);
  return (protocol === 'https:' || protocol === 'http:') && isSafeUrl(url);
}
