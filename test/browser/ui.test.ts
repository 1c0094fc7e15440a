/**
 * The web UI in a real browser: Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`;
 * never a browser download), or the one CHROMIUM_PATH names, driven by playwright-core. Without a
 * browser the suite is skipped, saying how to get one; with CI=true it fails instead, so CI cannot
 * pass without it. TIMELINE_SKIP_BROWSER_TESTS=1 skips it anywhere. TIMELINE_UPDATE_SCREENSHOTS=1
 * writes the screenshots of docs/screenshots/ (else they go to a temporary folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { browserSkip, chromiumAdvice, chromiumPath } from '../helpers/environment.js';
import { createEvent, createEvents, createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const CHROMIUM = chromiumPath();
const SHOTS =
  process.env.TIMELINE_UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'timeline-shots-'));

let server: TestServer;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let templateId: string;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

/** The `data-key` of every event shown, in page order. */
async function eventKeys(): Promise<(string | null)[]> {
  return Promise.all(
    (await page.locator('article.event').all()).map((article) => article.getAttribute('data-key')),
  );
}

describe('web UI in Chromium', { skip: browserSkip() }, () => {
  before(async () => {
    // Not skipped yet missing: CI=true, where a missing browser must fail the run.
    if (!existsSync(CHROMIUM)) throw new Error(`${chromiumAdvice()} (CI=true: the browser suite must run)`);
    server = await startTestServer({ timeZone: 'UTC' });
    templateId = await createTemplate(server, {
      name: 'Webinar <b>signup</b>',
      objectType: 'contacts',
      headerTemplate: 'Registered for **{{webinar}}**',
      detailTemplate: 'Answer: {{extraData.answer}}',
      tokens: [{ name: 'webinar', label: 'Webinar', type: 'string' }],
    });
    await createEvents(server, templateId, [
      {
        id: 'first',
        email: 'ada@lovelace.example',
        tokens: { webinar: '<script>alert("token")</script>' },
        extraData: { answer: '<img src=x onerror=alert("extra")>' },
        timestamp: '2024-05-01T09:00:00Z',
      },
      {
        id: 'second',
        email: 'ada@lovelace.example',
        tokens: { webinar: 'Scaling SQLite' },
        extraData: { answer: 'Because' },
        timestamp: '2024-05-02T09:00:00Z',
        timelineIFrame: {
          linkLabel: 'Open recording',
          headerLabel: 'Recording',
          url: `${server.url}/_health`,
          width: 320,
          height: 200,
        },
      },
      { id: 'bob', email: 'bob@builder.example', tokens: { webinar: 'Other' } },
    ]);
    userDataDir = mkdtempSync(join(tmpdir(), 'timeline-chromium-'));
    mkdirSync(SHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1024, height: 720 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });
  after(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await server?.close();
  });

  it('signs in with a token and finds a contact by email', async () => {
    await page.goto(`${server.url}/ui`);
    await page.screenshot({ path: join(SHOTS, 'login.png') });
    await page.getByLabel('Access token or admin token').fill(server.accessToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/ui\/records\/contacts$/);
    assert.equal(await page.getByRole('row').count(), 3, 'header row and two contacts');
    await page.screenshot({ path: join(SHOTS, 'records.png') });
    await page.getByLabel('Search by email, domain or id').fill('ada@');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=ada%40/);
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /ada@lovelace\.example/);
    await page.getByRole('link', { name: 'ada@lovelace.example' }).click();
    await page.waitForSelector('#timeline');
  });

  it('shows the events newest first, grouped by day, with rendered headers; values stay text', async () => {
    const keys = await eventKeys();
    assert.deepEqual(keys, [`${templateId}-second`, `${templateId}-first`]);
    assert.deepEqual(await page.locator('h2.day').allTextContents(), [
      'Thursday, May 2, 2024',
      'Wednesday, May 1, 2024',
    ]);
    const first = page.locator(`#event-${templateId}-first`);
    assert.match(
      (await first.locator('.header').textContent()) ?? '',
      /Registered for <script>alert\("token"\)<\/script>/,
    );
    assert.equal(await first.locator('.header script').count(), 0, 'no script element made from a token');
    await page.screenshot({ path: join(SHOTS, 'timeline.png'), fullPage: true });
  });

  it('expands a detail; extraData with an onerror attribute shows as text and runs nothing', async () => {
    const first = page.locator(`#event-${templateId}-first`);
    await first.getByText('Details').click();
    const detail = first.locator('.detail');
    assert.ok(await detail.isVisible());
    assert.match((await detail.textContent()) ?? '', /Answer: <img src=x onerror=alert\("extra"\)>/);
    assert.equal(await detail.locator('img').count(), 0);
  });

  it('opens the timelineIFrame link in a modal frame of the given size', async () => {
    await page.getByRole('button', { name: 'Open recording' }).click();
    const dialog = page.locator('#iframe-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await dialog.locator('h2').textContent(), 'Recording');
    const frame = dialog.locator('iframe');
    assert.equal(await frame.getAttribute('src'), `${server.url}/_health`);
    const box = await frame.boundingBox();
    assert.equal(Math.round(box?.width ?? 0), 320);
    assert.equal(Math.round(box?.height ?? 0), 200);
    await page.screenshot({ path: join(SHOTS, 'iframe-dialog.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('shows a new event without a reload', async () => {
    await createEvent(server, templateId, {
      id: 'live',
      email: 'ada@lovelace.example',
      tokens: { webinar: 'Live one' },
      timestamp: '2024-05-03T09:00:00Z',
    });
    await page.waitForSelector(`#event-${templateId}-live`, { timeout: 10_000 });
    const keys = await eventKeys();
    assert.equal(keys[0], `${templateId}-live`);
  });

  it('shows a template page, and the timeline at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: join(SHOTS, 'timeline-375.png'), fullPage: true });
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= 375, `no horizontal scroll at 375 px (${scrollWidth})`);
    await page.setViewportSize({ width: 1024, height: 720 });
    await page.getByRole('link', { name: 'Webinar <b>signup</b>' }).first().click();
    await page.waitForURL(/\/ui\/templates\//);
    assert.equal(await page.locator('h1').textContent(), 'Webinar <b>signup</b>');
    assert.match(
      (await page.locator('pre').first().textContent()) ?? '',
      /Registered for \*\*\{\{webinar\}\}\*\*/,
    );
    await page.screenshot({ path: join(SHOTS, 'template.png'), fullPage: true });
    await page.goto(`${server.url}/ui/records/contacts`);
    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: join(SHOTS, 'records-375.png'), fullPage: true });
  });

  it('ran no script from data: no dialog, no console error', () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(consoleErrors, []);
  });
});
