/**
 * HubSpot: "Raw HTML is not allowed, and will be stripped by the handlebars and markdown
 * processors." Tags of the template text go, their text stays; script, style and similar go whole;
 * token values stay escaped whatever the template does around them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RenderableTemplate, Renderer } from '../../src/render/renderer.js';

const renderer = new Renderer();
let counter = 0;

function detail(source: string, tokens: Record<string, string> = {}): string {
  counter++;
  const template: RenderableTemplate = {
    id: `strip-${counter}`,
    version: 1,
    headerTemplate: '',
    detailTemplate: source,
  };
  return renderer.render(template, { tokens, timestamp: 0 }, 'detail', 'UTC');
}

describe('raw HTML of the template is stripped, not escaped', () => {
  const cases: [string, string][] = [
    ['<b>bold</b>', '<p>bold</p>'],
    ['Hi <b>there</b>, <i>you</i>', '<p>Hi there, you</p>'],
    ['<strong>allowed tags too</strong>', '<p>allowed tags too</p>'],
    ['<a href="https://example.com">link text</a>', '<p>link text</p>'],
    ['Hi <script>alert(1)</script> there', '<p>Hi  there</p>'],
    ['<script>\nalert(1)\n</script>\nafter', '<p>after</p>'],
    ['<style>p { color: red }</style>\nstyled', '<p>styled</p>'],
    ['before <iframe src="https://x.example">fallback</iframe> after', '<p>before  after</p>'],
    ['<div>**still Markdown** inside</div>', '<p><strong>still Markdown</strong> inside</p>'],
    ['x <!-- a comment --> y', '<p>x  y</p>'],
  ];
  for (const [source, html] of cases) {
    test(JSON.stringify(source), () => {
      assert.equal(detail(source), html);
      assert.doesNotMatch(detail(source), /&lt;|alert|color/);
    });
  }

  test('what is Markdown and not HTML stays: quotes, comparisons, autolinks', () => {
    assert.equal(detail('> quoted'), '<blockquote><p>quoted</p></blockquote>');
    assert.equal(detail('a < b and 5 > 3'), '<p>a &lt; b and 5 &gt; 3</p>');
    assert.equal(
      detail('<https://example.com>'),
      '<p><a href="https://example.com">https://example.com</a></p>',
    );
  });
});

describe('token values stay escaped around stripped HTML', () => {
  test('a value inside a stripped tag is escaped', () => {
    assert.equal(detail('<b>{{v}}</b>', { v: '<i>x</i>' }), '<p>&lt;i&gt;x&lt;/i&gt;</p>');
  });

  test('a tag spanning a value goes whole; the value in it goes with it', () => {
    assert.equal(
      detail('<a href="{{url}}">{{label}}</a>', { url: 'https://e.com', label: 'Go' }),
      '<p>Go</p>',
    );
  });

  test('a value inside a script goes with the script', () => {
    assert.equal(detail('a <script>{{v}}</script> b', { v: 'secret' }), '<p>a  b</p>');
  });

  test('a triple-stashed value is escaped like any other: it can never become a tag', () => {
    assert.equal(detail('{{{v}}}', { v: '<b>bold</b>' }), '<p>&lt;b&gt;bold&lt;/b&gt;</p>');
    assert.equal(
      detail('{{#if v}}{{{v}}}{{/if}}', { v: '<script>x</script>' }),
      '<p>&lt;script&gt;x&lt;/script&gt;</p>',
    );
  });

  test('an escaped value starting a line is text, not an HTML block', () => {
    assert.equal(detail('{{v}}\nnext', { v: '<div>x</div>' }), '<p>&lt;div&gt;x&lt;/div&gt;</p><p>next</p>');
  });
});
