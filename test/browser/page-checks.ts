/**
 * What the browser suite checks on every page: axe-core's accessibility rules (the npm package,
 * evaluated in the page through the DevTools protocol, so the page's own CSP still forbids inline
 * scripts), words broken in the middle, horizontal scrolling, and the height of the top bar.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    [],
    `axe on ${label}`,
  );
}

/**
 * Words a line break cuts in the middle though they would fit on a line of their own: what a
 * squeezed table column does ("Nam/e", "minu/tes"). Words longer than their block may still break.
 */
export async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const broken = [];
    // Room for a word: the page's column less the padding of a card in it. A word wider than that
    // may break; one narrower broken over two lines was squeezed by its layout.
    const column = document.querySelector('main') || document.body;
    const room = Math.min(column.clientWidth, window.innerWidth) - 64;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('.visually-hidden, .skip, dialog:not([open]), [hidden]')) continue;
      if (parent.getClientRects().length === 0) continue;
      // Text clipped to a pixel is for screen readers (a table's header row on a phone).
      let clipped = false;
      for (let el = parent; el && !clipped; el = el.parentElement) clipped = el.getBoundingClientRect().width <= 1;
      if (clipped) continue;
      // A word: letters and digits. A break at punctuation (after "/" or "-") is the browser's own
      // line-breaking rule; a break between two letters is a word cut in the middle.
      const re = /[\\p{L}\\p{N}]+/gu;
      let match;
      while ((match = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        if (lines.size < 2) continue;
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        if (width <= room) broken.push(match[0]);
      }
    }
    return broken;
  })()`);
}

/** Checks a page at its current width: no horizontal scroll, no word cut, a top bar of two rows at most. */
export async function assertReadable(page: Page, label: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(scrollWidth <= width, `${label}: no horizontal scroll at ${width} px (${scrollWidth})`);
  assert.deepEqual(await brokenWords(page), [], `${label}: words cut in the middle at ${width} px`);
  const rows = await page.evaluate<number>(`(() => {
    const parts = ['.brand', '.sections', '.where', '.signout'].map((s) => document.querySelector('.bar ' + s)).filter(Boolean);
    const centers = parts.map((el) => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; }).sort((a, b) => a - b);
    return centers.filter((c, i) => i === 0 || c - centers[i - 1] > 16).length;
  })()`);
  assert.ok(rows <= 2, `${label}: the top bar takes ${rows} rows at ${width} px`);
}

/** Every visible control of the page (links, buttons, fields, summaries) is reached by Tab. */
export async function assertKeyboardReachable(page: Page, label: string): Promise<void> {
  const total = await page.evaluate<number>(`(() => {
    const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
      .filter((el) => el.getClientRects().length > 0 && !el.closest('[hidden], dialog:not([open])') && el.getBoundingClientRect().width > 1);
    controls.forEach((el, i) => { el.dataset.kbd = String(i); });
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    return controls.length;
  })()`);
  const reached = new Set<string>();
  for (let i = 0; i < total + 10 && reached.size < total; i++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate<string | null>('document.activeElement?.dataset?.kbd ?? null');
    if (key !== null) reached.add(key);
  }
  const missed = await page.evaluate<string[]>(
    `[...document.querySelectorAll('[data-kbd]')].filter((el) => !${JSON.stringify([...reached])}.includes(el.dataset.kbd)).map((el) => el.outerHTML.slice(0, 80))`,
  );
  assert.deepEqual(missed, [], `${label}: controls Tab never reaches`);
}
