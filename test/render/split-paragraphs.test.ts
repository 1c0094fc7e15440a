import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitParagraphs } from '../../src/render/split-paragraphs.js';

describe('splitParagraphs', () => {
  test('consecutive text lines become separate paragraphs, indentation dropped', () => {
    assert.equal(splitParagraphs('a\n  b\n      c'), 'a\n\nb\n\nc');
  });

  test("HubSpot's example lines", () => {
    assert.equal(
      splitParagraphs('#### Questions\n  **Q1**: A1\n  **Q2**: A2\n\nEDIT'),
      '#### Questions\n  **Q1**: A1\n\n**Q2**: A2\n\nEDIT',
    );
  });

  test('blank lines and lone lines are untouched', () => {
    assert.equal(splitParagraphs('a\n\nb\n'), 'a\n\nb\n');
    assert.equal(splitParagraphs('    code after start'), '    code after start');
  });

  test('lists, their continuation lines and block quotes stay as they are', () => {
    const source = '- a\n- b\n  more of b\nlazy\n1. x\n2) y\n> q\n> r';
    assert.equal(splitParagraphs(source), source);
  });

  test('text after a list, once a blank line ended it, is split again', () => {
    assert.equal(splitParagraphs('- a\n\nb\nc'), '- a\n\nb\n\nc');
  });

  test('tables stay together', () => {
    const source = '| a | b |\n|---|---|\n| 1 | 2 |';
    assert.equal(splitParagraphs(source), source);
    assert.equal(splitParagraphs(`intro\n${source}`), `intro\n\n${source}`);
  });

  test('fenced code is left alone', () => {
    const source = 'text\n```js\na\nb\n```\nafter\nmore\n~~~\nx\ny\n~~~';
    assert.equal(splitParagraphs(source), 'text\n```js\na\nb\n```\nafter\n\nmore\n~~~\nx\ny\n~~~');
  });

  test('a longer closing fence closes, a shorter one does not', () => {
    assert.equal(splitParagraphs('````\na\n```\nb\n`````\nc\nd'), '````\na\n```\nb\n`````\nc\n\nd');
  });

  test('headings, setext underlines and thematic breaks are kept', () => {
    assert.equal(
      splitParagraphs('# H\ntext\nTitle\n===\nSub\n---\n***'),
      '# H\ntext\n\nTitle\n===\nSub\n---\n***',
    );
  });

  test('CRLF input', () => {
    assert.equal(splitParagraphs('a\r\nb'), 'a\n\nb');
  });
});
