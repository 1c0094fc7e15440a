import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSafeUrl } from '../../src/render/safe-urls.js';

describe('isSafeUrl', () => {
  test('http, https, mailto, relative URLs and anchors are allowed', () => {
    for (const url of [
      'https://www.hubspot.com',
      'HTTP://example.com/a?b=c&d=e#f',
      'mailto:a@b.example',
      '//cdn.example/x.png',
      '/contacts/1',
      'page.html',
      '?q=1',
      '#top',
      '',
      'https://example.com/%E2%9C%93',
    ]) {
      assert.equal(isSafeUrl(url), true, url);
    }
  });

  test('other schemes are refused however they are spelled', () => {
    for (const url of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' \u0000javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'java\rscript:alert(1)',
      '&#106;avascript:alert(1)',
      '&#x6a;avascript:alert(1)',
      '&#0000106avascript:alert(1)',
      'javascript&colon;alert(1)',
      'java&Tab;script:alert(1)',
      '%6Aavascript:alert(1)',
      '%256Aavascript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      'data:image/png;base64,iVBORw0KGgo=',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.com',
      'tel:123',
      'http://[bad',
    ]) {
      assert.equal(isSafeUrl(url), false, JSON.stringify(url));
    }
  });
});
