/**
 * The cold rendering path takes the Markdown step once per template shape
 * (src/render/shape-render.ts). Differential test: over a large seeded corpus of generated
 * templates (Markdown syntax, raw HTML, links and URLs, code, tables, unicode, XSS payloads) and
 * token values, the renderer with shapes gives exactly the HTML (or the same error) as the full
 * pipeline (`shapes: false`: Handlebars, Markdown, sanitiser on every render). Each template is
 * rendered with many events by the same renderer, so a shape cached from one event's values is
 * used with the next event's. SHAPE_SEED=<n> replays another corpus.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundedTemplate } from '../../src/render/bounded-template.js';
import { checkOutput, RenderLimitExceeded, withinBudget } from '../../src/render/render-budget.js';
import {
  escapeMustaches,
  type RenderableEvent,
  type RenderableTemplate,
  Renderer,
} from '../../src/render/renderer.js';
import { splitMarked } from '../../src/render/shape-render.js';
import { checkTemplateSource } from '../../src/render/template-check.js';
import { COMPILE_OPTIONS, templateEngine } from '../../src/render/template-engine.js';
import { markedTemplate, runMarked } from '../../src/render/value-marking.js';
import { SeededRandom } from '../helpers/seeded-random.js';
import { XSS_VECTORS } from './fixtures/xss-vectors.js';

const SEED = Number(process.env.SHAPE_SEED ?? 160_001);

/** Template text around the values: Markdown and HTML syntax, URLs, entities, unicode. */
const TEXT = [
  'Hello ',
  'a',
  'Ab',
  ' ',
  '  ',
  '\n',
  '\n',
  '\n\n',
  '\r\n',
  '# ',
  '#### ',
  ' #',
  '- ',
  '* ',
  '+ ',
  '1. ',
  '2) ',
  '> ',
  '**',
  '**',
  '*',
  '_',
  '__',
  '~~',
  '`',
  '```\n',
  '    ',
  '\t',
  '[',
  ']',
  '](',
  ')',
  '![',
  '(',
  '|',
  ' | ',
  '\n|---|---|\n',
  '---',
  '===',
  '&amp;',
  '&',
  '&#',
  '&copy;',
  '&#x27;',
  ';',
  ':',
  ': ',
  'https://x.example/',
  'https://x.example/p?q=',
  '#frag',
  '/rel/',
  'mailto:',
  '%',
  '%4',
  '!',
  '?',
  '.',
  ',',
  'é',
  '中文',
  '😀',
  '\u00a0',
  '"',
  "'",
  '=',
  'x_y',
  '1',
  '42',
  '\\',
  '<b>',
  '</b>',
  '<script>',
  '<https://x.example>',
  'javascript:',
  '[r]: /u\n\n',
  'XqJ',
];

/** Template fragments with values in every context a value can take. */
const WITH_VALUES = [
  '{{v0}}',
  '{{v1}}',
  '{{v2}}',
  '{{{v3}}}',
  '{{extraData.a}}',
  '{{extraData.a.b}}',
  '{{formatDate timestamp}}',
  '{{#formatDate timestamp format="short"}}{{/formatDate}}',
  '{{#formatDate timestamp format="long"}}{{/formatDate}}',
  'Registered for [{{v0}}](https://example.com/webinars/{{v1}}) as **{{v2}}**',
  '\n  **{{v0}}**: {{v1}}\n',
  '**{{v0}}**',
  '*{{v0}}*',
  '_{{v0}}_',
  '~~{{v0}}~~',
  'x{{v0}}_y',
  '[{{v0}}](https://x.example/{{v1}})',
  '[a](https://x.example/{{v1}}?q={{v2}}#{{v0}})',
  '[a]({{v1}})',
  '[a](/p/{{v1}})',
  '[a](/p/%{{v1}})',
  '[a](//{{v1}}/x)',
  '[a](https://{{v1}}.example/x)',
  '[a](mailto:{{v1}}@x.example)',
  '[a]({{v1}}://x.example/)',
  '[a](https://x.example/ "{{v0}}")',
  '[a](<{{v1}}>)',
  '![{{v0}}](https://x.example/{{v1}}.png)',
  '`{{v0}}`',
  '```\n{{v0}}\n```',
  '    {{v0}}',
  '<{{v0}}>',
  '&{{v0}};',
  '&#{{v1}};',
  '[{{v0}}]\n\n[{{v0}}]: /u',
  '[{{v0}}]: /u',
  '| {{v0}} | b |\n|---|---|\n| {{v1}} | c |',
  '- {{v0}}\n- {{v1}}',
  '1. {{v0}}',
  '# {{v0}}',
  '# {{v0}} #',
  '> {{v0}}',
  '{{v0}}\n===',
  '{{v0}}\n---',
  '{{v0}}{{v1}}',
  '{{v0}} {{v1}}',
  '{{v0}}[x](/y)',
  '{{v0}}![x](/y)',
  '![{{v0}}',
  '\\{{v0}}',
  '{{v0}}  \nnext',
  '{{#each extraData.list}}\n- {{this}}\n{{/each}}',
  '{{#each extraData.list}}\n  **{{this}}**: {{@index}}\n{{/each}}',
  '{{#each extraData.list}}{{this}}, {{/each}}',
  '{{#if v2}}**{{v2}}**{{else}}none{{/if}}',
  '{{#unless v1}}-{{else}}{{v1}}{{/unless}}',
  '{{#with extraData}}{{a}}{{/with}}',
];

/** Values: plain words, Markdown syntax, HTML, URLs, unicode, edge whitespace, XSS payloads. */
const VALUES = [
  '',
  'a',
  'Ann',
  'Purr 3',
  "Who's a good kitty?",
  'Meow!',
  'Webinar <1>',
  'Tom & Jerry',
  '"q"',
  'a=b',
  '`c`',
  'x_y',
  '*a*',
  '**',
  '_',
  '~~s~~',
  '[l](https://e.x)',
  '![i](x)',
  '# h',
  '- li',
  '1. one',
  '2020',
  '42',
  '1',
  '> q',
  '---',
  '===',
  '|',
  'a|b',
  '\\*',
  'a\nb',
  'a\n\nb',
  ' lead',
  'trail ',
  '  ',
  '\t',
  'https',
  'javascript',
  'javascript:alert(1)',
  'JaVaScRiPt',
  'https://ok.example/x',
  '%41',
  '41',
  'A1',
  'é',
  'Ünïcödé',
  '中文字',
  '😀',
  'a😀b',
  '𝐀bc',
  'e\u0301',
  '\u202eabc',
  '\u00a0x',
  'x\u00a0',
  '&amp;',
  '&copy;',
  'copy',
  'amp',
  'a;',
  'a.',
  'a,',
  'a:',
  'a?',
  'a!',
  '(x)',
  'a)',
  'x(',
  'a b  c',
  'mailto',
  'user',
  'ABC',
  'https:',
  '//evil',
  'a@b.c',
  '100%',
  '$5',
  '^',
  '+1',
  '-1',
  'a-b',
  'C#',
  '…',
  '“quoted”',
  'ok…',
  'XqJ0JqX',
  '\uE000',
  '\uE001x',
  'x\u0000y',
  'hello world.',
  'Jan 30, 2020, 1:13:25 PM',
];

function pick<T>(random: SeededRandom, list: readonly T[]): T {
  return list[random.int(0, list.length - 1)] as T;
}

function value(random: SeededRandom, ordinary = 0.5): string {
  if (random.next() < ordinary) return plainWords(random);
  const roll = random.next();
  if (roll < 0.1) return pick(random, XSS_VECTORS);
  if (roll < 0.8) return pick(random, VALUES);
  return `${pick(random, VALUES)}${pick(random, [' ', '', '-', '&'])}${pick(random, VALUES)}`;
}

/** Plain words of varying length and punctuation: the common case, the one shapes are for. */
function plainWords(random: SeededRandom): string {
  const words = Array.from({ length: random.int(1, 4) }, () => random.text(random.int(1, 8)));
  return words.join(' ') + pick(random, ['', '', '.', '?', '!', ';']);
}

function generatedTemplate(random: SeededRandom): string {
  const parts: string[] = [];
  for (let i = random.int(1, 7); i > 0; i--) {
    parts.push(random.next() < 0.55 ? pick(random, WITH_VALUES) : pick(random, TEXT));
  }
  return parts.join('');
}

function generatedEvent(random: SeededRandom, ordinary: number): RenderableEvent {
  const v = () => value(random, ordinary);
  const list = Array.from({ length: random.int(0, 3) }, v);
  return {
    tokens: { v0: v(), v1: v(), v2: v(), v3: v() },
    timestamp: random.int(0, 2_000_000_000) * 1000,
    extraData: random.next() < 0.2 ? { a: { b: v() }, list } : { a: v(), list },
  };
}

function outcome(renderer: Renderer, ...args: Parameters<Renderer['render']>): string {
  try {
    return renderer.render(...args);
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
}

describe('rendering from template shapes', () => {
  for (const [label, ordinary, seed] of [
    ['hostile values', 0.3, SEED],
    ['mostly ordinary values', 0.9, SEED + 1],
  ] as const) {
    test(`gives exactly the full pipeline's HTML over a seeded corpus, ${label} (seed ${seed})`, () => {
      const random = new SeededRandom(seed);
      const shapes = new Renderer();
      const full = new Renderer({ shapes: false });
      let renders = 0;
      for (let t = 0; t < 300; t++) {
        const source = generatedTemplate(random);
        const template: RenderableTemplate = {
          id: `g${t}`,
          version: 1,
          headerTemplate: source,
          detailTemplate: source,
        };
        for (let e = 0; e < 12; e++) {
          const event = generatedEvent(random, ordinary);
          const kind = e % 2 === 0 ? 'detail' : 'header';
          const zone = pick(random, ['UTC', 'America/New_York', 'Asia/Kolkata']);
          const expected = outcome(full, template, event, kind, zone);
          const actual = outcome(shapes, template, event, kind, zone);
          assert.equal(
            actual,
            expected,
            `seed ${seed}, template ${JSON.stringify(source)}, event ${JSON.stringify(event)}, ${kind}`,
          );
          renders++;
        }
      }
      // The comparison means something only if shapes were used a fair share of the time.
      const share = shapes.shapeCount / renders;
      assert.ok(
        share > (ordinary > 0.5 ? 0.2 : 0.05),
        `${shapes.shapeCount} of ${renders} renders from a shape`,
      );
    });
  }

  test("HubSpot's documented example renders from its shape, byte for byte", () => {
    const renderer = new Renderer();
    const template = {
      id: 'hubspot',
      version: 1,
      headerTemplate: 'Registered for [{{webinarName}}](https://example.com/webinars/{{webinarId}})',
      detailTemplate:
        'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n#### Questions\n{{#each extraData.questions}}\n  **{{question}}**: {{answer}}\n{{/each}}\n\nEDIT',
    };
    const event = (answer: string, webinarId: string) => ({
      tokens: { webinarName: 'Growth <2020>', webinarId },
      timestamp: 1580408005000,
      extraData: {
        questions: [
          { question: "Who's a good kitty?", answer },
          { question: 'Will you stop playing with that?', answer: 'Meow!' },
        ],
      },
    });
    for (const answer of ['Purr...', 'Purr again...']) {
      assert.equal(
        renderer.render(template, event(answer, '7'), 'detail', 'America/New_York'),
        `<p>Registration occurred at Jan 30, 2020, 1:13:25 PM</p><h4>Questions</h4><p><strong>Who&#x27;s a good kitty?</strong>: ${answer}</p><p><strong>Will you stop playing with that?</strong>: Meow!</p><p>EDIT</p>`,
      );
    }
    assert.equal(
      renderer.render(template, event('x', '7'), 'header', 'UTC'),
      '<p>Registered for <a href="https://example.com/webinars/7">Growth &lt;2020&gt;</a></p>',
    );
    assert.equal(renderer.shapeCount, 3);
    // A value in a URL that is not ASCII letters and digits takes the full pipeline.
    assert.equal(
      renderer.render(template, event('x', 'a b'), 'header', 'UTC'),
      '<p>Registered for [Growth &lt;2020&gt;](https://example.com/webinars/a b)</p>',
    );
    assert.equal(renderer.shapeCount, 3);
  });

  test('a value that changes the Markdown around it takes the full pipeline', () => {
    const renderer = new Renderer();
    const template = { id: 's', version: 1, headerTemplate: '{{v}}', detailTemplate: '' };
    const render = (v: string) => renderer.render(template, { tokens: { v }, timestamp: 0 }, 'header', 'UTC');
    assert.equal(render('plain words'), '<p>plain words</p>');
    assert.equal(renderer.shapeCount, 1);
    assert.equal(render('# heading'), '<h1>heading</h1>');
    assert.equal(render('1. item'), '<ol><li>item</li></ol>');
    assert.equal(render('*em*'), '<p><em>em</em></p>');
    assert.equal(renderer.shapeCount, 1);
    assert.equal(render('other words'), '<p>other words</p>');
    assert.equal(renderer.shapeCount, 2);
  });
});

/** Constructs the counted compilation keeps as written or that nest loops (bounded-template.ts). */
const MORE_CONSTRUCTS = [
  '{{"literal"}}',
  '{{1}}',
  '{{true}}',
  '{{extraData.list.length}}',
  '{{#each extraData.list}}{{#each ../extraData.list}}{{this}}/{{/each}}; {{/each}}',
  '{{#each extraData.list as |item i|}}{{i}}={{item}} {{else}}none{{/each}}',
  '{{#with extraData}}{{@root.v0}} {{a.b}}{{/with}}',
  '{{#each extraData}}{{@key}}: {{this}}; {{/each}}',
  '{{#if (formatDate timestamp)}}{{formatDate timestamp format="full"}}{{/if}}',
  '{{#unless extraData.list}}empty{{/unless}}',
];

describe('counting every render (render-budget.ts)', () => {
  test("both counted compilations put out plain Handlebars' text, and count exactly its length", () => {
    const random = new SeededRandom(SEED + 2);
    const plainCompile = (source: string) => {
      const program = templateEngine.parse(source);
      escapeMustaches(program);
      return templateEngine.compile(program, COMPILE_OPTIONS);
    };
    let marked = 0;
    for (let t = 0; t < 300; t++) {
      const parts = Array.from({ length: random.int(1, 6) }, () => {
        const roll = random.next();
        return roll < 0.3
          ? pick(random, MORE_CONSTRUCTS)
          : roll < 0.75
            ? pick(random, WITH_VALUES)
            : pick(random, TEXT);
      });
      const source = parts.join('');
      if (checkTemplateSource(source) !== null) continue; // refused when saved, never rendered
      const plain = plainCompile(source);
      const counted = boundedTemplate(source, escapeMustaches);
      const markedRun = markedTemplate(source, escapeMustaches);
      for (let e = 0; e < 6; e++) {
        const event = generatedEvent(random, 0.5);
        const context = { ...event.tokens, timestamp: event.timestamp, extraData: event.extraData };
        const options = { data: { timeZone: pick(random, ['UTC', 'Asia/Kolkata']) } };
        const where = `template ${JSON.stringify(source)}, event ${JSON.stringify(event)}`;
        const expected = plain(context, options);
        const exact = { outputChars: expected.length, steps: 1_000_000 };
        const under = { outputChars: expected.length - 1, steps: 1_000_000 };
        assert.equal(
          withinBudget(exact, () => counted(context, options)),
          expected,
          where,
        );
        if (expected.length > 0) {
          assert.throws(
            () => checkOutput(withinBudget(under, () => counted(context, options)).length, under),
            RenderLimitExceeded,
            where,
          );
        }
        if (markedRun === undefined) continue;
        const text = withinBudget(exact, () => runMarked(markedRun, context, options));
        if (text === undefined) continue; // a value held a marker character
        marked++;
        assert.equal(splitMarked(text).text, expected, where);
        if (expected.length > 0) {
          assert.throws(() => {
            const again = withinBudget(under, () => runMarked(markedRun, context, options)) ?? '';
            checkOutput(splitMarked(again).text.length, under);
          }, RenderLimitExceeded);
        }
      }
    }
    assert.ok(marked > 500, `${marked} marked runs compared`);
  });
});
