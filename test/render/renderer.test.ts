import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RenderableEvent, type RenderableTemplate, Renderer } from '../../src/render/renderer.js';
import { TemplateRenderError } from '../../src/render/template-render-error.js';

const HUBSPOT_DETAIL =
  'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n#### Questions\n{{#each extraData.questions}}\n  **{{question}}**: {{answer}}\n{{/each}}\n\nEDIT';
const HUBSPOT_EVENT: RenderableEvent = {
  tokens: {},
  timestamp: Date.parse('2020-01-30T18:13:25Z'),
  extraData: {
    questions: [
      { question: "Who's a good kitty?", answer: 'Purr...' },
      { question: 'Will you stop playing with that?', answer: 'Meow!' },
    ],
  },
};

let counter = 0;
function template(detailTemplate: string, headerTemplate = ''): RenderableTemplate {
  counter++;
  return { id: `t${counter}`, version: 1, headerTemplate, detailTemplate };
}

function detail(source: string, event: Partial<RenderableEvent> = {}, timeZone = 'UTC'): string {
  return new Renderer().render(template(source), { tokens: {}, timestamp: 0, ...event }, 'detail', timeZone);
}

function header(source: string, event: Partial<RenderableEvent> = {}, timeZone = 'UTC'): string {
  return new Renderer().render(
    template('', source),
    { tokens: {}, timestamp: 0, ...event },
    'header',
    timeZone,
  );
}

describe("HubSpot's documented example", () => {
  test('renders exactly as HubSpot does', () => {
    assert.equal(HUBSPOT_EVENT.timestamp, 1580408005000);
    const html = new Renderer().render(
      { id: 'hubspot', version: 1, headerTemplate: '', detailTemplate: HUBSPOT_DETAIL },
      HUBSPOT_EVENT,
      'detail',
      'America/New_York',
    );
    assert.equal(
      html,
      '<p>Registration occurred at Jan 30, 2020, 1:13:25 PM</p><h4>Questions</h4><p><strong>Who&#x27;s a good kitty?</strong>: Purr...</p><p><strong>Will you stop playing with that?</strong>: Meow!</p><p>EDIT</p>',
    );
  });
});

describe('template variables', () => {
  test('tokens by name', () => {
    assert.equal(
      header('{{name}} registered for {{webinar}}', { tokens: { name: 'Ann', webinar: 'Growth' } }),
      '<p>Ann registered for Growth</p>',
    );
  });

  test('timestamp is the epoch milliseconds number', () => {
    assert.equal(detail('at {{timestamp}}', { timestamp: 1580408005000 }), '<p>at 1580408005000</p>');
  });

  test('extraData nested keys and array indexes', () => {
    const extraData = { a: { b: { c: 'deep' } }, list: ['x', 'y'], n: 3, yes: true };
    assert.equal(
      detail('{{extraData.a.b.c}} {{extraData.list.[1]}} {{extraData.n}} {{extraData.yes}}', { extraData }),
      '<p>deep y 3 true</p>',
    );
  });

  test('missing keys render empty', () => {
    assert.equal(
      detail('[{{nope}}][{{extraData.nope.deeper}}][{{nope.deeper}}]', { extraData: {} }),
      '<p>[][][]</p>',
    );
    assert.equal(detail('[{{extraData.x}}]'), '<p>[]</p>');
  });

  test('extraData is not available in the header', () => {
    const event = { tokens: { name: 'Ann' }, extraData: { x: 'secret' } };
    assert.equal(
      header('{{name}} [{{extraData.x}}]{{#if extraData}}yes{{else}}no{{/if}}', event),
      '<p>Ann []no</p>',
    );
    assert.equal(
      detail('{{name}} [{{extraData.x}}]{{#if extraData}}yes{{else}}no{{/if}}', event),
      '<p>Ann [secret]yes</p>',
    );
  });

  test('a token named extraData does not reach the header either', () => {
    assert.equal(header('[{{extraData}}]', { tokens: { extraData: 'token' } }), '<p>[]</p>');
  });

  test('timestamp and extraData win over tokens of the same name', () => {
    assert.equal(
      detail('{{timestamp}} {{extraData}}', {
        timestamp: 5,
        tokens: { timestamp: 'x', extraData: 'y' },
        extraData: 'z',
      }),
      '<p>5 z</p>',
    );
  });

  test('prototype properties are not reachable', () => {
    const html = detail(
      '[{{constructor}}][{{extraData.constructor.name}}][{{extraData.__proto__}}][{{#with extraData}}{{toString}}{{/with}}]',
      {
        extraData: { a: 1 },
      },
    );
    assert.equal(html, '<p>[][][][]</p>');
  });

  test('token names that are Object.prototype members are plain values', () => {
    assert.equal(
      detail('{{constructor}} {{toString}}', { tokens: { constructor: 'c', toString: 't' } }),
      '<p>c t</p>',
    );
  });
});

describe('block helpers', () => {
  test('#if / else', () => {
    const source = '{{#if extraData.vip}}VIP{{else}}regular{{/if}}';
    assert.equal(detail(source, { extraData: { vip: true } }), '<p>VIP</p>');
    assert.equal(detail(source, { extraData: { vip: false } }), '<p>regular</p>');
    assert.equal(
      detail('{{#if name}}hi {{name}}{{else}}anonymous{{/if}}', { tokens: { name: '' } }),
      '<p>anonymous</p>',
    );
  });

  test('#if / else if chain', () => {
    const source = '{{#if extraData.a}}A{{else if extraData.b}}B{{else}}C{{/if}}';
    assert.equal(detail(source, { extraData: { b: 1 } }), '<p>B</p>');
    assert.equal(detail(source, { extraData: {} }), '<p>C</p>');
  });

  test('#unless / else', () => {
    const source = '{{#unless extraData.done}}pending{{else}}done{{/unless}}';
    assert.equal(detail(source, { extraData: { done: false } }), '<p>pending</p>');
    assert.equal(detail(source, { extraData: { done: true } }), '<p>done</p>');
  });

  test('#with / else', () => {
    const source = '{{#with extraData.person}}{{first}} {{last}}{{else}}nobody{{/with}}';
    assert.equal(
      detail(source, { extraData: { person: { first: 'Ada', last: 'Lovelace' } } }),
      '<p>Ada Lovelace</p>',
    );
    assert.equal(detail(source, { extraData: {} }), '<p>nobody</p>');
  });

  test('#each over an array with this, @index, @first, @last and else', () => {
    const source =
      '{{#each extraData.items}}{{@index}}:{{this}}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}} {{else}}empty{{/each}}';
    assert.equal(
      detail(source, { extraData: { items: ['a', 'b', 'c'] } }),
      '<p>0:a(first) 1:b 2:c(last)</p>',
    );
    assert.equal(detail(source, { extraData: { items: [] } }), '<p>empty</p>');
    assert.equal(detail(source, { extraData: {} }), '<p>empty</p>');
  });

  test('#each over an object with @key, and block params', () => {
    assert.equal(
      detail('{{#each extraData}}{{@key}}={{this}};{{/each}}', { extraData: { a: 1, b: 2 } }),
      '<p>a=1;b=2;</p>',
    );
    assert.equal(
      detail('{{#each extraData.l as |item i|}}{{i}}{{item}}{{/each}}', { extraData: { l: ['x', 'y'] } }),
      '<p>0x1y</p>',
    );
  });

  test('parent context via ../', () => {
    const source = '{{#each extraData.l}}{{../name}}-{{this}} {{/each}}';
    assert.equal(detail(source, { tokens: { name: 'N' }, extraData: { l: [1, 2] } }), '<p>N-1 N-2</p>');
  });
});

describe('escaping', () => {
  test("token values are HTML-escaped the way Handlebars does it (' as &#x27;)", () => {
    assert.equal(
      header('{{v}}', { tokens: { v: `Tom & Jerry's <b>"x"</b>` } }),
      '<p>Tom &amp; Jerry&#x27;s &lt;b&gt;&quot;x&quot;&lt;/b&gt;</p>',
    );
  });

  test('= and ` escapes survive too', () => {
    assert.equal(header('{{v}}', { tokens: { v: 'a=b `c`' } }), '<p>a&#x3D;b &#x60;c&#x60;</p>');
  });

  test('literal characters and entities in the template text are kept as written', () => {
    assert.equal(header("it's &amp; &copy; 5 > 3"), "<p>it's &amp; &copy; 5 &gt; 3</p>");
  });

  test('an apostrophe in an image alt text is not double-escaped', () => {
    assert.equal(
      header('![{{v}}](https://x.example/a.png)', { tokens: { v: "Who's" } }),
      '<p><img src="https://x.example/a.png" alt="Who\'s" /></p>',
    );
  });
});

describe('links', () => {
  test('an https link survives', () => {
    assert.equal(
      header('[HubSpot](https://www.hubspot.com)'),
      '<p><a href="https://www.hubspot.com">HubSpot</a></p>',
    );
  });

  test('mailto works', () => {
    assert.equal(
      header('[mail us](mailto:team@example.com)'),
      '<p><a href="mailto:team@example.com">mail us</a></p>',
    );
  });

  test('a token holding an https URL works in a link', () => {
    const html = header('[{{title}}]({{url}})', {
      tokens: { title: 'Report', url: 'https://example.com/r?id=1&x=y' },
    });
    assert.equal(html, '<p><a href="https://example.com/r?id=1&amp;x=y">Report</a></p>');
  });

  test('relative URLs and anchors stay', () => {
    assert.equal(
      header('[a](/contacts/1) [b](#top)'),
      '<p><a href="/contacts/1">a</a> <a href="#top">b</a></p>',
    );
  });

  test('an image with an https URL and a title', () => {
    assert.equal(
      header('![logo](https://x.example/l.png "Logo")'),
      '<p><img src="https://x.example/l.png" alt="logo" title="Logo" /></p>',
    );
  });

  test('javascript: in a link is not a link', () => {
    assert.equal(header('[x](javascript:alert(1))'), '<p>[x](javascript:alert(1))</p>');
  });

  test('bare URLs are not linkified', () => {
    assert.equal(header('see https://www.hubspot.com'), '<p>see https://www.hubspot.com</p>');
  });
});

describe('Markdown and HubSpot paragraphs', () => {
  test('every non-empty line is its own paragraph', () => {
    assert.equal(header('one\ntwo\n    three'), '<p>one</p><p>two</p><p>three</p>');
  });

  test('no newlines between block elements', () => {
    const html = detail(
      '# Title\n\n- a\n- b\n\n1. x\n2. y\n\n> quote\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    assert.equal(
      html,
      '<h1>Title</h1><ul><li>a</li><li>b</li></ul><ol><li>x</li><li>y</li></ol><blockquote><p>quote</p></blockquote><hr /><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>',
    );
  });

  test('emphasis, code, strikethrough', () => {
    assert.equal(
      header('*a* **b** `c` ~~d~~'),
      '<p><em>a</em> <strong>b</strong> <code>c</code> <s>d</s></p>',
    );
  });

  test('fenced code keeps its lines', () => {
    assert.equal(detail('```\nx\ny\n```'), '<pre><code>x\ny\n</code></pre>');
  });

  test('tokens inside an #each loop with a list', () => {
    const source = '{{#each extraData.l}}\n- {{this}}\n{{/each}}';
    assert.equal(detail(source, { extraData: { l: ['a', 'b'] } }), '<ul><li>a</li><li>b</li></ul>');
  });
});

describe('formatDate in templates', () => {
  const ts = 1580408005000;
  test('default, and each format name', () => {
    const event = { timestamp: ts };
    assert.equal(
      header('{{#formatDate timestamp}}{{/formatDate}}', event, 'America/New_York'),
      '<p>Jan 30, 2020, 1:13:25 PM</p>',
    );
    assert.equal(
      header('{{#formatDate timestamp format="short"}}{{/formatDate}}', event, 'America/New_York'),
      '<p>1/30/20, 1:13 PM</p>',
    );
    assert.equal(
      header('{{#formatDate timestamp format="medium"}}{{/formatDate}}', event, 'UTC'),
      '<p>Jan 30, 2020, 6:13:25 PM</p>',
    );
    assert.equal(
      header('{{#formatDate timestamp format="long"}}{{/formatDate}}', event, 'Asia/Kolkata'),
      '<p>January 30, 2020 at 11:43:25 PM GMT+5:30</p>',
    );
  });

  test('inline form, a numeric string token and extraData timestamps', () => {
    const event = { timestamp: ts, tokens: { when: '0' }, extraData: { at: ts } };
    assert.equal(
      detail(
        '{{formatDate timestamp format="short"}} | {{#formatDate when format="short"}}{{/formatDate}} | {{#formatDate extraData.at format="short"}}{{/formatDate}}',
        event,
      ),
      '<p>1/30/20, 6:13 PM | 1/1/70, 12:00 AM | 1/30/20, 6:13 PM</p>',
    );
  });

  test('an invalid timestamp renders empty', () => {
    assert.equal(
      detail('[{{#formatDate nope}}{{/formatDate}}][{{#formatDate bad}}{{/formatDate}}]', {
        tokens: { bad: 'yesterday' },
      }),
      '<p>[][]</p>',
    );
  });

  test('a format given by a variable that is not a format name falls back to medium', () => {
    assert.equal(
      header('{{#formatDate timestamp format=f}}{{/formatDate}}', { timestamp: ts, tokens: { f: 'weird' } }),
      '<p>Jan 30, 2020, 6:13:25 PM</p>',
    );
  });

  test('an unknown time zone falls back to UTC instead of failing', () => {
    assert.equal(
      header('{{#formatDate timestamp}}{{/formatDate}}', { timestamp: ts }, 'Not/AZone'),
      '<p>Jan 30, 2020, 6:13:25 PM</p>',
    );
  });
});

describe('empty templates', () => {
  test('an empty or missing source renders as the empty string', () => {
    const renderer = new Renderer();
    const event = { tokens: {}, timestamp: 0 };
    assert.equal(
      renderer.render(
        { id: 'e', version: 1, headerTemplate: '', detailTemplate: '' },
        event,
        'header',
        'UTC',
      ),
      '',
    );
    const missing = { id: 'm', version: 1 } as unknown as RenderableTemplate;
    assert.equal(renderer.render(missing, event, 'detail', 'UTC'), '');
    assert.equal(renderer.compileCount, 0);
  });

  test('a template that renders only whitespace gives the empty string', () => {
    assert.equal(detail('{{#if nope}}x{{/if}}\n\n'), '');
  });
});

describe('cache', () => {
  const event = { tokens: { name: 'Ann' }, timestamp: 0 };

  test('rendering the same template twice compiles once', () => {
    const renderer = new Renderer();
    const t = { id: 'c1', version: 1, headerTemplate: 'Hi {{name}}', detailTemplate: 'Bye {{name}}' };
    assert.equal(renderer.render(t, event, 'header', 'UTC'), '<p>Hi Ann</p>');
    assert.equal(renderer.render(t, event, 'header', 'UTC'), '<p>Hi Ann</p>');
    assert.equal(renderer.compileCount, 1);
    assert.equal(renderer.render(t, event, 'detail', 'UTC'), '<p>Bye Ann</p>');
    assert.equal(renderer.compileCount, 2);
    assert.equal(renderer.render(t, event, 'detail', 'Asia/Kolkata'), '<p>Bye Ann</p>');
    assert.equal(renderer.compileCount, 2);
  });

  test('a new version recompiles and renders the new template', () => {
    const renderer = new Renderer();
    const v1 = { id: 'c2', version: 1, headerTemplate: 'Old {{name}}', detailTemplate: '' };
    const v2 = { ...v1, version: 2, headerTemplate: 'New {{name}}' };
    assert.equal(renderer.render(v1, event, 'header', 'UTC'), '<p>Old Ann</p>');
    assert.equal(renderer.render(v2, event, 'header', 'UTC'), '<p>New Ann</p>');
    assert.equal(renderer.compileCount, 2);
    assert.equal(renderer.render(v2, event, 'header', 'UTC'), '<p>New Ann</p>');
    assert.equal(renderer.compileCount, 2);
  });

  test('a changed source under the same version is not served stale', () => {
    const renderer = new Renderer();
    const t = { id: 'c3', version: 1, headerTemplate: 'A', detailTemplate: '' };
    renderer.render(t, event, 'header', 'UTC');
    assert.equal(renderer.render({ ...t, headerTemplate: 'B' }, event, 'header', 'UTC'), '<p>B</p>');
  });

  test('the cache is bounded: the least recently used template is compiled again', () => {
    const renderer = new Renderer({ cacheSize: 2 });
    const t = (id: string) => ({ id, version: 1, headerTemplate: id, detailTemplate: '' });
    renderer.render(t('a'), event, 'header', 'UTC');
    renderer.render(t('b'), event, 'header', 'UTC');
    renderer.render(t('a'), event, 'header', 'UTC'); // hit; b is now the oldest
    renderer.render(t('c'), event, 'header', 'UTC'); // evicts b
    assert.equal(renderer.compileCount, 3);
    renderer.render(t('a'), event, 'header', 'UTC');
    assert.equal(renderer.compileCount, 3);
    renderer.render(t('b'), event, 'header', 'UTC');
    assert.equal(renderer.compileCount, 4);
  });
});

// The HTML of a stored event is cached per event, template version, kind and time zone.
describe('rendered cache', () => {
  const event = { tokens: { name: 'Ann' }, timestamp: Date.UTC(2024, 0, 1, 23, 30) };
  const t = {
    id: 'r1',
    version: 1,
    headerTemplate: 'Hi {{name}}',
    detailTemplate: 'On {{#formatDate timestamp}}{{/formatDate}}',
  };

  test('the same event renders once; its HTML is answered again', () => {
    const renderer = new Renderer();
    assert.equal(renderer.render(t, event, 'header', 'UTC', 'e1'), '<p>Hi Ann</p>');
    assert.equal(renderer.render(t, event, 'header', 'UTC', 'e1'), '<p>Hi Ann</p>');
    assert.equal(renderer.renderCount, 1);
    // Another event, the other kind, another time zone: each renders.
    renderer.render(t, { ...event, tokens: { name: 'Bo' } }, 'header', 'UTC', 'e2');
    const utc = renderer.render(t, event, 'detail', 'UTC', 'e1');
    const kolkata = renderer.render(t, event, 'detail', 'Asia/Kolkata', 'e1');
    assert.notEqual(utc, kolkata);
    assert.equal(renderer.renderCount, 4);
    // Without a key (an event not stored) nothing is cached.
    renderer.render(t, event, 'header', 'UTC');
    renderer.render(t, event, 'header', 'UTC');
    assert.equal(renderer.renderCount, 6);
  });

  test('a template update (new version) renders the event again with the new template', () => {
    const renderer = new Renderer();
    assert.equal(renderer.render(t, event, 'header', 'UTC', 'e1'), '<p>Hi Ann</p>');
    const v2 = { ...t, version: 2, headerTemplate: 'Hello {{name}}' };
    assert.equal(renderer.render(v2, event, 'header', 'UTC', 'e1'), '<p>Hello Ann</p>');
    // A source changed without a new version is not served stale either.
    assert.equal(
      renderer.render({ ...v2, headerTemplate: 'Yo {{name}}' }, event, 'header', 'UTC', 'e1'),
      '<p>Yo Ann</p>',
    );
  });
});

describe('templates that were never validated', () => {
  test('an unknown helper gives a clear TemplateRenderError', () => {
    const renderer = new Renderer();
    const t = { id: 'bad', version: 3, headerTemplate: '{{#foo}}x{{/foo}}', detailTemplate: '' };
    assert.throws(
      () => renderer.render(t, { tokens: {}, timestamp: 0 }, 'header', 'UTC'),
      (err: unknown) =>
        err instanceof TemplateRenderError &&
        err.templateId === 'bad' &&
        /header template .*bad.*version 3.*foo/.test(err.message),
    );
  });

  test('a syntax error gives a TemplateRenderError too', () => {
    const renderer = new Renderer();
    const t = { id: 'bad2', version: 1, headerTemplate: '', detailTemplate: '{{#each x}}' };
    assert.throws(
      () => renderer.render(t, { tokens: {}, timestamp: 0 }, 'detail', 'UTC'),
      TemplateRenderError,
    );
  });
});

describe('contexts that Handlebars stringifies', () => {
  test('{{this}} at the root and in #with does not throw', () => {
    assert.equal(
      detail('[{{this}}]{{#with extraData}}[{{this}}]{{/with}}', { extraData: { a: 1 } }),
      '<p>[[object Object]][[object Object]]</p>',
    );
  });

  test('a token named __proto__ is a plain value', () => {
    const tokens = JSON.parse('{"__proto__": "p", "a": "b"}') as Record<string, string>;
    assert.equal(detail('{{a}} {{__proto__}}', { tokens }), '<p>b p</p>');
  });
});

describe('the isolated Handlebars instance', () => {
  test('log and lookup are not helpers: bare names are ordinary (missing) values', () => {
    assert.equal(detail('[{{log}}][{{lookup}}]'), '<p>[][]</p>');
    assert.equal(detail('[{{log}}][{{lookup}}]', { tokens: { log: 'L', lookup: 'K' } }), '<p>[L][K]</p>');
  });
});
