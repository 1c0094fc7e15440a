import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Parser } from 'htmlparser2';
import { type RenderableEvent, type RenderableTemplate, Renderer } from '../../src/render/renderer.js';
import { XSS_VECTORS } from './fixtures/xss-vectors.js';

const ALLOWED_TAGS = new Set(
  'p h1 h2 h3 h4 h5 h6 strong em a img ul ol li code pre blockquote hr br table thead tbody tr th td s del'.split(
    ' ',
  ),
);
const ALLOWED_ATTRIBUTES = new Set(['href', 'src', 'alt', 'title']);
const FORBIDDEN_TEXT = ['<script', '<iframe', '<svg', '<style', '<object', '<embed'];

/** Drops C0 controls and spaces, which browsers ignore around and inside a scheme. */
function withoutControls(text: string): string {
  return [...text].filter((c) => c.charCodeAt(0) > 0x20).join('');
}

/** The scheme a browser would see: entities decoded (htmlparser2), controls/whitespace and %-escapes removed. */
function effectiveUrl(value: string): string {
  let url = withoutControls(value);
  for (let i = 0; i < 3; i++) {
    url = url.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return withoutControls(url).toLowerCase();
}

/** Parses rendered HTML and lists every unsafe thing in it. */
function problemsIn(html: string): string[] {
  const problems: string[] = [];
  for (const needle of FORBIDDEN_TEXT) {
    if (html.toLowerCase().includes(needle)) problems.push(`contains ${needle}`);
  }
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (!ALLOWED_TAGS.has(name)) problems.push(`element <${name}>`);
        for (const [attribute, value] of Object.entries(attributes)) {
          if (/^on/i.test(attribute)) problems.push(`event handler ${attribute} on <${name}>`);
          if (!ALLOWED_ATTRIBUTES.has(attribute)) problems.push(`attribute ${attribute} on <${name}>`);
          if (
            (attribute === 'href' || attribute === 'src') &&
            /^(javascript|vbscript|data):/.test(effectiveUrl(value))
          ) {
            problems.push(`${attribute}="${value}" on <${name}>`);
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return problems;
}

const renderer = new Renderer();
let templateCounter = 0;

function render(source: string, event: RenderableEvent, kind: 'header' | 'detail' = 'detail'): string {
  templateCounter++;
  const template: RenderableTemplate = {
    id: `xss-${templateCounter}`,
    version: 1,
    headerTemplate: kind === 'header' ? source : '',
    detailTemplate: kind === 'detail' ? source : '',
  };
  return renderer.render(template, event, kind, 'UTC');
}

function assertSafe(html: string, what: string): void {
  assert.deepEqual(problemsIn(html), [], `${what} rendered unsafe HTML: ${html}`);
}

describe('the checker itself', () => {
  test('flags the things it must flag', () => {
    assert.ok(problemsIn('<script>x</script>').length > 0);
    assert.ok(problemsIn('<img src=x onerror=alert(1)>').length > 0);
    assert.ok(problemsIn('<a href="jav&#x09;ascript:alert(1)">x</a>').length > 0);
    assert.ok(problemsIn('<a href="%6Aavascript:alert(1)">x</a>').length > 0);
    assert.ok(problemsIn('<a href=" DATA:text/html,x">x</a>').length > 0);
    assert.ok(problemsIn('<iframe></iframe>').length > 0);
    assert.deepEqual(problemsIn('<p><a href="https://x.example/?a=1&amp;b=2">x</a></p>'), []);
  });
});

describe('XSS vectors', () => {
  assert.ok(XSS_VECTORS.length >= 40);
  const event = (v: string): RenderableEvent => ({
    tokens: { v },
    timestamp: 0,
    extraData: { v, nested: { v } },
  });

  for (const [i, vector] of XSS_VECTORS.entries()) {
    test(`vector #${i}: ${JSON.stringify(vector).slice(0, 70)}`, () => {
      // (a) raw template text, in the header and in the detail template
      assertSafe(render(vector, event('x'), 'header'), 'raw header text');
      assertSafe(render(vector, event('x'), 'detail'), 'raw detail text');
      assertSafe(render(`before\n${vector}\nafter`, event('x'), 'detail'), 'raw detail text between lines');
      // (b) token value in plain text position, escaped and triple-stashed
      assertSafe(render('Value: {{v}}', event(vector), 'header'), 'token in header');
      assertSafe(render('Value: {{v}}', event(vector)), 'token');
      assertSafe(render('{{{v}}}', event(vector)), 'triple-stashed token');
      assertSafe(render('# {{{v}}}\n- {{{v}}}\n> {{v}}', event(vector)), 'token in blocks');
      // (c) token value as a Markdown link or image URL
      assertSafe(render('[click]({{v}})', event(vector)), 'token as link URL');
      assertSafe(render('![i]({{v}})', event(vector)), 'token as image URL');
      assertSafe(render('[click]({{{v}}})', event(vector)), 'triple-stashed token as link URL');
      assertSafe(render('![i]({{{v}}})', event(vector)), 'triple-stashed token as image URL');
      assertSafe(
        render('[click](<{{v}}>) [t](https://ok.example "{{v}}")', event(vector)),
        'token in link syntax',
      );
      assertSafe(render('[r]\n\n[r]: {{v}}', event(vector)), 'token as reference definition');
      // (d) extraData
      assertSafe(render('{{extraData.v}} {{extraData.nested.v}}', event(vector)), 'extraData');
      assertSafe(render('{{{extraData.v}}}', event(vector)), 'triple-stashed extraData');
      assertSafe(
        render('[x]({{extraData.nested.v}}) ![y]({{{extraData.v}}})', event(vector)),
        'extraData as URL',
      );
      assertSafe(
        render('{{#each extraData}}\n{{this}} {{{this}}}\n{{/each}}', {
          tokens: {},
          timestamp: 0,
          extraData: [vector, vector],
        }),
        'extraData array',
      );
    });
  }
});

describe('dangerous URLs never become links', () => {
  const dangerous = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'javascript://%0aalert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    '&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)',
    'java&Tab;script:alert(1)',
    'javascript&colon;alert(1)',
    'javascript&#58;alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    '%6Aavascript:alert(1)',
    '%6A%61%76%61%73%63%72%69%70%74%3Aalert(1)',
    '%256Aavascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'DATA:text/html,<script>alert(1)</script>',
    'data:image/png;base64,iVBORw0KGgo=',
    'vbscript:msgbox("XSS")',
    'VBScript:msgbox(1)',
  ];
  test('every URL here is one of the fixture vectors', () => {
    for (const url of dangerous) assert.ok(XSS_VECTORS.includes(url), url);
  });

  for (const url of dangerous) {
    test(`no href/src for ${JSON.stringify(url).slice(0, 60)}`, () => {
      for (const source of ['[click]({{v}})', '[click]({{{v}}})', '![i]({{v}})', '![i]({{{v}}})']) {
        const html = render(source, { tokens: { v: url }, timestamp: 0 });
        assert.doesNotMatch(html, /\s(?:href|src)=/, `${source} with ${JSON.stringify(url)} gave ${html}`);
      }
    });
  }
});

describe('attribute injection through a link URL', () => {
  for (const url of [
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    'https://ok.example/" onclick="alert(1)',
  ]) {
    test(JSON.stringify(url), () => {
      for (const source of [
        '[x]({{url}})',
        '[x]({{{url}}})',
        '![x]({{url}})',
        '[x](https://ok.example "{{{url}}}")',
      ]) {
        const html = render(source, { tokens: { url }, timestamp: 0 });
        // Parsed, not grepped: the quote characters may legitimately appear inside a title.
        assertSafe(html, source);
      }
    });
  }
});

describe('raw HTML in templates and values is never HTML', () => {
  // Changed: HubSpot strips raw HTML of the template (it was escaped here before).
  test('a tag in the template text is stripped, its text kept', () => {
    assert.equal(render('Hi <b>there</b>', { tokens: {}, timestamp: 0 }), '<p>Hi there</p>');
  });

  // Changed: a triple-stashed value is escaped exactly as {{v}} (= as &#x3D;), never raw.
  test('a tag in a triple-stashed token is escaped, not rendered', () => {
    const html = render('{{{v}}}', { tokens: { v: '<img src=x onerror=alert(1)>' }, timestamp: 0 });
    assert.equal(html, '<p>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</p>');
  });

  test('a tag in a token is escaped by Handlebars', () => {
    const html = render('{{v}}', { tokens: { v: '<script>alert(1)</script>' }, timestamp: 0 });
    assert.equal(html, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });
});
