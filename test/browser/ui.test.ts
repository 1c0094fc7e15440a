/**
 * The web UI in a real browser: Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`;
 * never a browser download), or the one CHROMIUM_PATH names, driven by playwright-core. Without a
 * browser the suite is skipped, saying how to get one; with CI=true it fails instead, so CI cannot
 * pass without it. TIMELINE_SKIP_BROWSER_TESTS=1 skips it anywhere. TIMELINE_UPDATE_SCREENSHOTS=1
 * writes the screenshots of docs/screenshots/ (else they go to a temporary folder).
 *
 * Every page is checked with axe-core (no serious or critical violation) and, at 375 px, for
 * horizontal scrolling, words cut in the middle and the height of the top bar (page-checks.ts).
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
import { assertAccessible, assertKeyboardReachable, assertReadable } from './page-checks.js';

const CHROMIUM = chromiumPath();
const SHOTS =
  process.env.TIMELINE_UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'timeline-shots-'));
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 740 };
const ZONE = 'America/New_York';

let server: TestServer;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let webinar: string;
let plan: string;
let otherApp: number;
let otherTemplate: string;
let secondPortal: number;
let now = Date.parse('2024-05-03T13:00:00Z');
const dialogs: string[] = [];
const consoleErrors: string[] = [];

/** The `data-key` of every event shown, in page order. */
async function eventKeys(): Promise<(string | null)[]> {
  return Promise.all(
    (await page.locator('#timeline article.event').all()).map((article) => article.getAttribute('data-key')),
  );
}

/** Checks the page as it is (axe, and readability at the current width), and keeps a screenshot. */
async function checkPage(label: string, shot?: string): Promise<void> {
  await assertAccessible(page, label);
  await assertReadable(page, label);
  if (shot) {
    // No focus ring left over from an earlier check in the picture.
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  }
  await assertKeyboardReachable(page, label);
}

/** The same page at 375 px: readable, accessible, and its screenshot; back to desktop after. */
async function checkPhone(label: string, shot?: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await checkPage(`${label} at 375 px`, shot && `${shot}-375`);
  await page.setViewportSize(DESKTOP);
}

describe('web UI in Chromium', { skip: browserSkip() }, () => {
  before(async () => {
    // Not skipped yet missing: CI=true, where a missing browser must fail the run.
    if (!existsSync(CHROMIUM)) throw new Error(`${chromiumAdvice()} (CI=true: the browser suite must run)`);
    server = await startTestServer({ timeZone: ZONE }, { clock: { now: () => now } });
    webinar = await createTemplate(server, {
      name: 'Webinar <b>signup</b>',
      objectType: 'contacts',
      headerTemplate: 'Registered for **{{webinar}}**',
      detailTemplate: 'Answer: {{extraData.answer}}',
      tokens: [{ name: 'webinar', label: 'Webinar', type: 'string' }],
    });
    plan = await createTemplate(server, {
      name: 'Plan change',
      objectType: 'contacts',
      headerTemplate: 'Moved to the **{{plan}}** plan with {{seats}} seats',
      detailTemplate: 'Reason: {{extraData.reason}}',
      tokens: [
        {
          name: 'plan',
          label: 'Plan',
          type: 'enumeration',
          options: [
            { label: 'Free', value: 'free' },
            { label: 'Professional', value: 'professional' },
          ],
          objectPropertyName: 'plan_name',
        },
        { name: 'seats', label: 'Seats', type: 'number' },
      ],
    });
    await createEvents(server, webinar, [
      {
        id: 'first',
        email: 'ada@lovelace.example',
        tokens: { webinar: '<script>alert("token")</script>' },
        extraData: { answer: '<img src=x onerror=alert("extra")>' },
        timestamp: '2024-05-01T13:00:00Z',
      },
      {
        id: 'second',
        email: 'ada@lovelace.example',
        tokens: { webinar: 'Scaling SQLite' },
        extraData: { answer: 'Because' },
        timestamp: '2024-05-02T13:00:00Z',
        timelineIFrame: {
          linkLabel: 'Open recording',
          headerLabel: 'Recording',
          url: `${server.url}/_health`,
          width: 320,
          height: 200,
        },
      },
      {
        id: 'bob',
        email: 'bob@builder.example',
        tokens: { webinar: 'Other' },
        timestamp: '2024-05-02T14:00:00Z',
      },
    ]);
    await createEvent(server, plan, {
      id: 'upgrade',
      email: 'ada@lovelace.example',
      tokens: { plan: 'professional', seats: '12' },
      extraData: { reason: 'The team grew' },
      timestamp: '2024-05-02T18:00:00Z',
    });
    // Another developer's app in the same portal: its template is its own, its events show on records.
    const admin = server.credentials.adminToken;
    otherApp = server.appId + 1;
    const account = await server.request('POST', '/_admin/v1/developer-accounts', {
      token: admin,
      body: { apiKey: `ui-other-${server.portalId}`, appId: otherApp },
    });
    assert.equal(account.status, 201, account.text);
    const created = await server.request(
      'POST',
      `/integrators/timeline/v3/${otherApp}/event-templates?hapikey=ui-other-${server.portalId}`,
      {
        token: false,
        body: {
          name: 'Support ticket',
          objectType: 'contacts',
          headerTemplate: 'Opened ticket {{subject}}',
          tokens: [{ name: 'subject', label: 'Subject', type: 'string' }],
        },
      },
    );
    assert.equal(created.status, 201, created.text);
    otherTemplate = created.json.id;
    // A second portal for the admin's session.
    secondPortal = server.portalId + 1;
    await server.request('PUT', `/_admin/v1/portals/${secondPortal}`, {
      token: admin,
      body: { timeZone: 'Europe/Berlin' },
    });
    const second = await server.request('POST', '/_admin/v1/access-tokens', {
      token: admin,
      body: { portalId: secondPortal, appId: server.appId, kind: 'private-app' },
    });
    const carol = await server.request('POST', '/integrators/timeline/v3/events', {
      token: second.json.token,
      body: { eventTemplateId: webinar, email: 'carol@second.example', tokens: { webinar: 'Berlin' } },
    });
    assert.equal(carol.status, 201, carol.text);

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
      viewport: DESKTOP,
      timezoneId: 'UTC',
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

  it("signs in with the portal's private-app token; every page says which portal, in which time zone", async () => {
    await page.goto(`${server.url}/ui`);
    await checkPage('sign-in', 'login');
    await checkPhone('sign-in', 'login');
    await page.getByLabel('Private-app token or admin token').fill(server.accessToken);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/records\/contacts$/);
    const where = page.locator('.bar .where');
    assert.match((await where.textContent()) ?? '', new RegExp(`Portal ${server.portalId}\\s+${ZONE}`));
    assert.equal(await page.getByRole('link', { name: 'templates' }).count(), 1, 'templates in the top bar');
    assert.equal(await page.getByRole('row').count(), 3, 'header row and two contacts');
    await checkPage('records', 'records');
    await checkPhone('records', 'records');
  });

  it('finds a contact by email; links carry the portal', async () => {
    await page.getByLabel('Search by email, domain or id').fill('ada@');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=ada%40/);
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    const link = page.getByRole('link', { name: 'ada@lovelace.example' });
    assert.match((await link.getAttribute('href')) ?? '', new RegExp(`portalId=${server.portalId}`));
    await link.click();
    await page.waitForSelector('#timeline');
  });

  it('shows the events newest first, grouped by day in the portal zone, with rendered headers; values stay text', async () => {
    assert.deepEqual(await eventKeys(), [`${plan}-upgrade`, `${webinar}-second`, `${webinar}-first`]);
    assert.deepEqual(await page.locator('h2.day').allTextContents(), [
      'Thursday, May 2, 2024',
      'Wednesday, May 1, 2024',
    ]);
    const first = page.locator(`#event-${webinar}-first`);
    assert.match(
      (await first.locator('.header').textContent()) ?? '',
      /Registered for <script>alert\("token"\)<\/script>/,
    );
    assert.equal(await first.locator('.header script').count(), 0, 'no script element made from a token');
    await checkPage('timeline', 'timeline');
  });

  it('the sidebar shows the record: id, type, and each property with when it was set and what stamps it', async () => {
    const sidebar = page.locator('aside.sidebar');
    const facts = (await sidebar.locator('.facts').textContent()) ?? '';
    assert.match(facts, /Record id\s*\d+/);
    assert.match(facts, /Object type\s*contacts/);
    const stamped = sidebar.locator('[data-property="plan_name"]');
    assert.match((await stamped.locator('.property-value').textContent()) ?? '', /professional/);
    // Set by the event's write, at the server's clock, shown in the portal's zone.
    assert.match((await stamped.locator('.property-set').textContent()) ?? '', /set May 3, 2024, 9:00\s?AM/);
    assert.match(
      (await stamped.locator('.property-stamp').textContent()) ?? '',
      /stamped by Plan change \(plan\)/,
    );
    assert.match(
      (await sidebar.locator('[data-property="email"]').textContent()) ?? '',
      /ada@lovelace\.example/,
    );
    // A later stamping event with another value (back-dated: its time on the timeline is its own):
    // the value and the time it was set move, at the server's clock.
    now += 90 * 60_000;
    await createEvent(server, plan, {
      id: 'downgrade',
      email: 'ada@lovelace.example',
      tokens: { plan: 'free', seats: '1' },
      timestamp: '2024-04-30T18:00:00Z',
    });
    await page.reload();
    assert.match((await stamped.locator('.property-value').textContent()) ?? '', /free/);
    assert.match((await stamped.locator('.property-set').textContent()) ?? '', /set May 3, 2024, 10:30\s?AM/);
    assert.match(
      (await sidebar.locator('[data-property="email"] .property-set').textContent()) ?? '',
      /9:00\s?AM/,
    );
  });

  it('expands a detail; extraData with an onerror attribute shows as text and runs nothing', async () => {
    const first = page.locator(`#event-${webinar}-first`);
    await first.getByText('Details').click();
    const detail = first.locator('.detail');
    assert.ok(await detail.isVisible());
    assert.match((await detail.textContent()) ?? '', /Answer: <img src=x onerror=alert\("extra"\)>/);
    assert.equal(await detail.locator('img').count(), 0);
  });

  it('expands and collapses all details from the keyboard', async () => {
    const expand = page.getByRole('button', { name: 'Expand all' });
    await expand.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#timeline details[open]').count(), 4);
    await page.getByRole('button', { name: 'Collapse all' }).focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#timeline details[open]').count(), 0);
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

  it('filters by templates, dates and text through the URL, as /_timeline/v1 does; back undoes a filter', async () => {
    const recordUrl = page.url();
    const objectId = /records\/contacts\/(\d+)/.exec(recordUrl)?.[1] as string;
    await page.getByRole('checkbox', { name: 'Plan change' }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`eventTemplateId=${plan}`));
    assert.deepEqual(await eventKeys(), [`${plan}-upgrade`, `${plan}-downgrade`]);
    await page.getByRole('checkbox', { name: 'Webinar <b>signup</b>' }).check();
    await page.getByLabel('From', { exact: true }).fill('2024-05-02');
    await page.getByLabel('To', { exact: true }).fill('2024-05-02');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/since=2024-05-02/);
    const url = new URL(page.url());
    assert.deepEqual(url.searchParams.getAll('eventTemplateId').sort(), [plan, webinar].sort());
    assert.equal(url.searchParams.get('until'), '2024-05-02');
    // May 2 in New York: the first event (May 1, 09:00 there) is out.
    assert.deepEqual(await eventKeys(), [`${plan}-upgrade`, `${webinar}-second`]);
    await page.screenshot({ path: join(SHOTS, 'timeline-filtered.png'), fullPage: true });
    // The same query string on the API answers the same events.
    const api = await server.request('GET', `/_timeline/v1/objects/contacts/${objectId}/events${url.search}`);
    assert.equal(api.status, 200, api.text);
    assert.deepEqual(
      api.json.results.map((e: { eventTemplateId: string; id: string }) => `${e.eventTemplateId}-${e.id}`),
      await eventKeys(),
    );
    // A text search over headers and token values, typed and sent with Enter.
    await page.getByLabel('Text in headers or token values').fill('sqlite');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=sqlite/);
    assert.deepEqual(await eventKeys(), [`${webinar}-second`]);
    await page.goBack();
    assert.equal(new URL(page.url()).searchParams.has('q'), false);
    assert.deepEqual(await eventKeys(), [`${plan}-upgrade`, `${webinar}-second`]);
    assert.equal(await page.getByRole('checkbox', { name: 'Plan change' }).isChecked(), true);
    // A shared link opens the same view.
    await page.goto(
      `${server.url}/ui/records/contacts/${objectId}?portalId=${server.portalId}&q=professional`,
    );
    assert.deepEqual(await eventKeys(), [`${plan}-upgrade`]);
    assert.equal(await page.getByLabel('Text in headers or token values').inputValue(), 'professional');
    await checkPage('filtered timeline');
    await checkPhone('filtered timeline', 'timeline-filtered');
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL((u) => !u.searchParams.has('q'));
    assert.equal((await eventKeys()).length, 4);
  });

  it("shows a new event at the top without a reload, keeping the reader's place and open details", async () => {
    await page.setViewportSize({ width: 1440, height: 500 });
    const first = page.locator(`#event-${webinar}-first`);
    await first.getByText('Details').click();
    await first.scrollIntoViewIfNeeded();
    await page.evaluate('window.scrollBy(0, 40)');
    const before = (await first.boundingBox())?.y ?? 0;
    await createEvent(server, webinar, {
      id: 'live',
      email: 'ada@lovelace.example',
      tokens: { webinar: 'Live one' },
      timestamp: '2024-05-03T12:00:00Z',
    });
    await page.waitForSelector(`#event-${webinar}-live`, { timeout: 10_000 });
    assert.equal((await eventKeys())[0], `${webinar}-live`);
    const afterwards = (await first.boundingBox())?.y ?? 0;
    assert.ok(
      Math.abs(afterwards - before) <= 2,
      `the event read stays in place (${before} → ${afterwards})`,
    );
    assert.equal(await first.locator('details').getAttribute('open'), '', 'its details stay open');
    assert.equal(await page.locator('#live-status').textContent(), '1 new event');
    await page.setViewportSize(DESKTOP);
    await checkPhone('timeline', 'timeline');
  });

  it("lists the templates of the token's own app, with their events; not another app's", async () => {
    await page.getByRole('link', { name: 'templates' }).click();
    await page.waitForURL(/\/ui\/templates\?/);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, new RegExp(`App ${server.appId}`));
    assert.doesNotMatch(text, /Support ticket/, "another app's template is its own");
    const row = page.getByRole('row', { name: /Plan change/ });
    assert.match((await row.textContent()) ?? '', /contacts\s*2\s*2\s*May 2, 2024/);
    await checkPage('templates', 'templates');
    await checkPhone('templates', 'templates');
  });

  it("shows a template's tokens, sources and a live preview from its latest event, then from typed values", async () => {
    await page.getByRole('link', { name: 'Plan change' }).click();
    await page.waitForURL(/\/ui\/templates\/\d+/);
    assert.equal(await page.locator('h1').textContent(), 'Plan change');
    assert.match(
      (await page.locator('pre').first().textContent()) ?? '',
      /Moved to the \*\*\{\{plan\}\}\*\* plan/,
    );
    assert.match((await page.locator('table.tokens').textContent()) ?? '', /plan_name/);
    const preview = page.locator('#preview .header');
    assert.equal(
      (await preview.innerHTML()).trim(),
      '<p>Moved to the <strong>professional</strong> plan with 12 seats</p>',
      "the latest event, as the timeline's renderer shows it",
    );
    await checkPage('template', 'template');
    // Typed values re-render as they are typed, with no button pressed, and the URL follows.
    await page.getByLabel('Seats').fill('40');
    await page.locator('#preview .header', { hasText: '40 seats' }).waitFor();
    await page.waitForURL(/token\.seats=40/);
    await page.getByLabel(/^Plan/).selectOption('free');
    await page.locator('#preview .header', { hasText: 'free plan' }).waitFor();
    await page.getByRole('link', { name: 'Start from sample values' }).click();
    await page.waitForURL(/from=sample/);
    assert.match((await preview.textContent()) ?? '', /Moved to the free plan with 42 seats/);
    await checkPhone('template', 'template');
  });

  it('the admin sees every app, and switches between the portals of its session from the keyboard', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/ui$/);
    await page.getByLabel('Private-app token or admin token').fill(server.credentials.adminToken);
    await page.getByLabel(/Portal ids/).fill(`${server.portalId}, ${secondPortal}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/ui\/records\/contacts$/);
    await page.goto(`${server.url}/ui/templates?portalId=${server.portalId}`);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, new RegExp(`App ${server.appId}`));
    assert.match(text, new RegExp(`App ${otherApp}[\\s\\S]*Support ticket`));
    assert.ok(otherTemplate);
    const picker = page.getByLabel('Portal', { exact: true });
    await picker.focus();
    await picker.selectOption(String(secondPortal));
    await page.getByRole('button', { name: 'Switch' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/ui/templates\\?portalId=${secondPortal}`));
    assert.match((await page.locator('.bar .tz').textContent()) ?? '', /Europe\/Berlin/);
    await page.getByRole('link', { name: 'contacts' }).click();
    await page.waitForURL(new RegExp(`/ui/records/contacts\\?portalId=${secondPortal}`));
    assert.deepEqual(await page.locator('tbody th a').allTextContents(), ['carol@second.example']);
    await checkPage('records as the admin', 'portal-switch');
    await checkPhone('records as the admin', 'portal-switch');
    // The pages that say no read as well as the others.
    const missing = await page.goto(`${server.url}/ui/templates/99999999?portalId=${secondPortal}`);
    assert.equal(missing?.status(), 404);
    await checkPage('not found');
    const elsewhere = await page.goto(`${server.url}/ui/records/contacts?portalId=${secondPortal + 1}`);
    assert.equal(elsewhere?.status(), 403);
    assert.match((await page.locator('main').textContent()) ?? '', /This link is for portal/);
    await checkPage('another portal');
    await checkPhone('another portal');
    // Chromium reports those two answers themselves on the console; nothing else may be there.
    const expected = /Failed to load resource: the server responded with a status of 40[34]/;
    assert.equal(consoleErrors.filter((message) => expected.test(message)).length, 2);
    consoleErrors.splice(
      0,
      consoleErrors.length,
      ...consoleErrors.filter((message) => !expected.test(message)),
    );
  });

  it('ran no script from data: no dialog, no console error', () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(consoleErrors, []);
  });
});
