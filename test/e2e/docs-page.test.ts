import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/openapi/index.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { listeningMock } from '../support/mock.js';

const SCREENSHOTS = {
  top: 'test-results/docs-page-top.png',
  response: 'test-results/docs-page-response.png',
  firstViewport: 'test-results/docs-page-first-viewport.png',
};
/** The first screen the issue asks about: a laptop-sized window, before any scrolling. */
const FIRST_VIEWPORT = { width: 1400, height: 1000 };

describe('the /docs page in a real browser', () => {
  let mock: ListeningMock;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mock = await listeningMock({ count: 25 });
    profile = mkdtempSync(join(tmpdir(), 'customers-mock-chromium-'));
    // A fresh profile each run, so no state from an earlier run (or another test) leaks in.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1400 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('opens on the operations: "List customers" and the authorisation state in the first viewport, the contract notes one click away', async () => {
    const page = await browser.newPage();
    await page.setViewportSize(FIRST_VIEWPORT);
    await page.goto(`${mock.url}/docs`);
    const listSummary = page.locator('#operations-Customers-listCustomers .opblock-summary-description');
    await listSummary.waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOTS.firstViewport });

    const inFirstViewport = async (locator: Locator) => {
      const box = await locator.boundingBox();
      return box !== null && box.y >= 0 && box.y + box.height <= FIRST_VIEWPORT.height && box.x >= 0 && box.x + box.width <= FIRST_VIEWPORT.width;
    };
    expect(await listSummary.textContent()).toBe('List customers');
    expect(await listSummary.isVisible()).toBe(true);
    expect(await inFirstViewport(listSummary)).toBe(true);
    // Swagger UI's own state (the locked Authorize button), said in words beside it.
    const authorised = page.getByRole('status');
    await expect.poll(() => authorised.textContent()).toBe("Authorised: requests carry this mock's credentials");
    expect(await inFirstViewport(authorised)).toBe(true);
    expect(await page.locator('.btn.authorize').getAttribute('class')).toContain('locked');
    expect(await inFirstViewport(page.locator('.btn.authorize'))).toBe(true);

    // The long notes are folded, and one click opens them.
    const notes = page.locator('.information-container .info .description');
    expect(await notes.isVisible()).toBe(false);
    const toggle = page.getByRole('button', { name: /^Contract notes/ });
    expect(await inFirstViewport(toggle)).toBe(true);
    await toggle.click();
    expect(await notes.isVisible()).toBe(true);
    // The document's own opening words, as rendered (Markdown's marks gone).
    const opening = loadSpec().raw.info.description!.split('\n')[0]!.replace(/[`*_]/g, '').slice(0, 40);
    expect(await notes.textContent()).toContain(opening);
    await page.close();
  });

  it('lists customers through Try it out, with no request leaving the machine', async () => {
    const page = await browser.newPage();
    const origin = new URL(mock.url).origin;
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    await page.goto(`${mock.url}/docs`);

    const list = page.locator('#operations-Customers-listCustomers');
    await list.waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOTS.top });
    // The first server offered is the address the page was opened on.
    expect(await page.locator('.servers select option').first().getAttribute('value')).toBe(mock.url);
    await list.locator('.opblock-summary').click();
    // tryItOutEnabled opens the form at once; the credentials were filled in by the page.
    await list.locator('input[placeholder="take"]').fill('3');
    await list.locator('button.execute').click();

    const responseBody = list.locator('.live-responses-table .response-col_description .microlight').first();
    await expect.poll(async () => responseBody.textContent(), { timeout: 15_000 }).toContain('"total": 25');
    const body = JSON.parse((await responseBody.textContent()) ?? '') as { data: { email: string }[]; take: number };
    expect(body.take).toBe(3);
    expect(body.data).toHaveLength(3);
    expect(await list.locator('.live-responses-table .response .response-col_status').first().textContent()).toContain('200');
    const emails = body.data.map((customer) => customer.email);
    expect(emails.every((email) => mock.store.customers().some((c) => c.email === email))).toBe(true);

    await responseBody.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOTS.response });
    expect(foreign).toEqual([]);
  });
});
