import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTemplateSource, type TemplateProblem } from '../../src/render/template-check.js';

function rejected(source: string): TemplateProblem {
  const problem = checkTemplateSource(source);
  assert.ok(problem !== null, `expected ${JSON.stringify(source)} to be rejected`);
  assert.equal(typeof problem.message, 'string');
  assert.ok(problem.message.length > 0);
  return problem;
}

describe('valid templates pass', () => {
  const valid = [
    '',
    'plain text',
    'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n#### Questions\n{{#each extraData.questions}}\n  **{{question}}**: {{answer}}\n{{/each}}\n\nEDIT',
    '{{name}} {{{raw}}} {{extraData.a.b}} {{this.x}} {{./y}} {{extraData.list.[0]}}',
    '{{#formatDate timestamp format="short"}}{{/formatDate}} {{formatDate timestamp format="full"}}',
    '{{#if a}}x{{else if b}}y{{else}}z{{/if}}',
    '{{#if a includeZero=true}}x{{/if}}',
    '{{#unless a}}x{{else}}y{{/unless}}',
    '{{#with extraData.p}}{{name}}{{else}}none{{/with}}',
    '{{#each extraData.l as |item i|}}{{@index}} {{i}} {{item}} {{@first}} {{@last}} {{../name}}{{else}}empty{{/each}}',
    '{{#each extraData}}{{@key}}: {{this}}{{/each}}',
    '{{! a comment }}{{!-- another --}}',
    '{{~name~}} \\{{escaped}}',
    '{{#if (formatDate timestamp)}}dated{{/if}}',
    '{{log}} {{lookup}}',
  ];
  for (const source of valid) {
    test(JSON.stringify(source).slice(0, 80), () => {
      assert.equal(checkTemplateSource(source), null);
    });
  }
});

describe('syntax errors', () => {
  test('an unclosed block', () => {
    const problem = rejected('first line\n{{#each x}}\n  {{this}}\n');
    assert.match(problem.message, /never closed/);
    assert.equal(problem.line, 4);
    assert.equal(typeof problem.column, 'number');
  });

  test('mismatched blocks', () => {
    const problem = rejected('a\n{{#if a}}x{{/each}}');
    assert.match(problem.message, /if doesn't match each/);
    assert.equal(problem.line, 2);
    assert.equal(problem.column, 4); // Handlebars points at the name of the opening block
  });

  test('an unterminated mustache', () => {
    const problem = rejected('a\nb {{name');
    assert.match(problem.message, /syntax/i);
    assert.equal(problem.line, 2);
  });

  test('a stray closing block', () => {
    const problem = rejected('x {{/if}}');
    assert.equal(problem.line, 1);
  });

  test('an else outside a block', () => {
    assert.equal(rejected('a\n\n{{else}}').line, 3);
  });
});

describe('helpers HubSpot does not have', () => {
  test('an unknown block helper', () => {
    const problem = rejected('line 1\n  {{#foo}}x{{/foo}}');
    assert.match(problem.message, /Unknown block helper "foo"/);
    assert.equal(problem.line, 2);
    assert.equal(problem.column, 3);
  });

  test('a context section used like a block helper', () => {
    assert.match(rejected('{{#extraData.list}}x{{/extraData.list}}').message, /Unknown block helper/);
    assert.match(rejected('{{^missing}}x{{/missing}}').message, /Unknown block helper "missing"/);
  });

  test('lookup with arguments', () => {
    const problem = rejected('a\nb\n{{lookup a b}}');
    assert.match(problem.message, /Unknown helper "lookup"/);
    assert.equal(problem.line, 3);
    assert.equal(problem.column, 1);
  });

  test('log with arguments', () => {
    assert.match(rejected('{{log "x"}}').message, /Unknown helper "log"/);
  });

  test('any call with arguments or options', () => {
    assert.match(rejected('{{foo bar}}').message, /Unknown helper "foo"/);
    assert.match(rejected('{{foo a=1}}').message, /Unknown helper "foo"/);
    assert.match(rejected('{{extraData.fn 1}}').message, /Unknown helper "extraData.fn"/);
  });

  test('an unknown helper in a subexpression', () => {
    const problem = rejected('{{#if (lookup a b)}}x{{/if}}');
    assert.match(problem.message, /Unknown helper "lookup"/);
    assert.equal(problem.column, 7);
  });

  test('block helpers called inline', () => {
    assert.match(rejected('{{if a}}').message, /must be used as a block/);
    assert.match(rejected('{{each}}').message, /must be used as a block/);
  });

  test('wrong argument counts', () => {
    assert.match(rejected('{{#if}}x{{/if}}').message, /"if" takes exactly 1 argument, got 0/);
    assert.match(rejected('{{#each a b}}x{{/each}}').message, /"each" takes exactly 1 argument, got 2/);
    assert.match(rejected('{{#with}}x{{/with}}').message, /"with"/);
    assert.match(rejected('{{#formatDate}}{{/formatDate}}').message, /"formatDate"/);
  });

  test('an unknown formatDate format or option', () => {
    assert.match(
      rejected('{{#formatDate timestamp format="weird"}}{{/formatDate}}').message,
      /Unknown date format "weird"/,
    );
    assert.match(
      rejected('{{#formatDate timestamp locale="de"}}{{/formatDate}}').message,
      /no option "locale"/,
    );
  });

  test('partials and decorators', () => {
    assert.match(rejected('{{> header}}').message, /Partials/);
    assert.match(rejected('{{#> layout}}x{{/layout}}').message, /Partials/);
    assert.match(rejected('{{* deco}}').message, /Decorators/);
  });

  test('the problem is reported inside nested blocks', () => {
    const problem = rejected('{{#each a}}\n{{#if b}}\n    {{lookup c d}}\n{{/if}}\n{{/each}}');
    assert.equal(problem.line, 3);
    assert.equal(problem.column, 5);
  });
});

describe('loops that multiply (crossed-loops.ts)', () => {
  const issue =
    '{{#each extraData.items}}{{#each ../extraData.items}}{{#each ../../extraData.items}}.{{/each}}{{/each}}{{/each}}';

  test('a third list crossed is refused, naming the loop, its line and column', () => {
    const problem = rejected(issue);
    assert.equal(problem.line, 1);
    assert.equal(problem.column, issue.indexOf('{{#each ../../') + 1);
    assert.equal(
      problem.message,
      `"#each ../../extraData.items" would run once for every item of the 2 lists around it (a list that is not part of the enclosing item multiplies the loops): at most 2 such lists may be nested (line 1, column ${problem.column})`,
    );
    const spread = '{{#each a}}\n  {{#each ../b}}\n    {{#each ../../c}}x{{/each}}\n  {{/each}}\n{{/each}}';
    assert.deepEqual([rejected(spread).line, rejected(spread).column], [3, 5]);
  });

  test('@root paths cross too, and so does a loop inside a #with that left the item', () => {
    assert.match(
      rejected('{{#each a}}{{#each @root.b}}{{#each @root.c}}x{{/each}}{{/each}}{{/each}}').message,
      /"#each @root\.c"/,
    );
    assert.match(
      rejected(
        '{{#each a}}{{#each ../b}}{{#with ../../c}}{{#each this}}x{{/each}}{{/with}}{{/each}}{{/each}}',
      ).message,
      /"#each this"/,
    );
  });

  test('two lists crossed, and loops over parts of the item at any depth, are accepted', () => {
    for (const source of [
      '{{#each rows}}{{#each ../columns}}{{this}}{{/each}}{{/each}}',
      '{{#each a}}{{#each b}}{{#each c}}{{#each d}}{{this}}{{/each}}{{/each}}{{/each}}{{/each}}',
      '{{#each a}}{{#each ../b}}{{#each c}}{{#each d}}x{{/each}}{{/each}}{{/each}}{{/each}}',
      '{{#each a}}x{{/each}}{{#each b}}{{#each ../c}}y{{/each}}{{/each}}{{#each d}}{{#each ../e}}z{{/each}}{{/each}}',
      '{{#each a}}{{else}}{{#each b}}{{#each ../c}}x{{/each}}{{/each}}{{/each}}',
      '{{#with extraData}}{{#each a}}{{#each ../b}}x{{/each}}{{/each}}{{/with}}',
    ]) {
      assert.equal(checkTemplateSource(source), null, source);
    }
  });

  test('a template already stored passes the renderer’s re-check (its render is bounded instead)', () => {
    assert.equal(checkTemplateSource(issue, { stored: true }), null);
  });
});
