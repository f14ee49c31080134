import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';

const PAGE = join(import.meta.dirname, 'in-process-page');
const API = 'https://api.devdraft.ai';

/**
 * The engine in a real browser: a page bundled for the browser (esbuild, platform "browser", so a
 * node: import anywhere on the in-process path fails the build) lists, creates and fetches
 * customers through createMockFetch, then through its own fetch, answered by msw's service worker
 * with customersHandlers.
 */
describe('the mock in a real browser, in process', () => {
  let server: Server;
  let origin: string;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(PAGE, 'page.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const files: Record<string, { type: string; body: Uint8Array }> = {
      '/': { type: 'text/html; charset=utf-8', body: readFileSync(join(PAGE, 'index.html')) },
      '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]!.contents },
      // msw's worker, served from the page's origin as the browser requires.
      '/mockServiceWorker.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'msw', 'lib', 'mockServiceWorker.js')) },
    };
    server = createServer((request, response) => {
      const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': file.type }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    // 127.0.0.1 is a secure context: service workers and crypto.randomUUID are allowed there.
    origin = `http://127.0.0.1:${address.port}`;
    profile = mkdtempSync(join(tmpdir(), 'customers-mock-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('lists, creates and fetches customers with createMockFetch and with msw\'s browser worker', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const apiAnswers: Array<{ url: string; fromServiceWorker: boolean }> = [];
    page.on('response', (response) => {
      if (response.url().startsWith(API)) apiAnswers.push({ url: response.url(), fromServiceWorker: response.fromServiceWorker() });
    });
    await page.goto(origin);
    const outcome = await page.evaluate(() => (globalThis as unknown as { results: Promise<unknown> }).results);
    expect(problems).toEqual([]);
    expect(outcome).toMatchObject({ ok: true });
    const { viaMockFetch, viaWorker } = (outcome as { value: Record<string, any> }).value;
    for (const [results, count] of [[viaMockFetch, 20], [viaWorker, 30]] as const) {
      expect(results.list).toEqual({ status: 200, total: count, count: 5 });
      expect(results.created).toMatchObject({ status: 201, email: 'katherine@example.com' });
      expect(results.fetched).toEqual({ status: 200, email: 'katherine@example.com', id: results.created.id });
      expect(results.totalAfter).toBe(count + 1);
      expect(results.unauthorised).toEqual({ status: 401, body: { statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' } });
      expect(results.unknown).toEqual({ status: 404, body: { statusCode: 404, message: 'Cannot GET /api/v0/nowhere', error: 'Not Found' } });
    }
    // The page's own requests were answered by the worker; createMockFetch's never reached the page's network.
    expect(apiAnswers.length).toBe(6);
    expect(apiAnswers.every((answer) => answer.fromServiceWorker)).toBe(true);
  });
});
