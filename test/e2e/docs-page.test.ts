import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../../src/server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { listeningMock } from '../support/mock.js';

const SCREENSHOTS = { top: 'test-results/docs-page-top.png', response: 'test-results/docs-page-response.png' };

describe('the /docs page in a real browser', () => {
  let mock: RunningMock;
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
    expect(emails.every((email) => mock.store.snapshot().some((c) => c.email === email))).toBe(true);

    await responseBody.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOTS.response });
    expect(foreign).toEqual([]);
  });
});
