import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';
import { startMock, type ListeningMock } from '../../src/node-mock.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const RECIPE = join(ROOT, 'examples', 'client', 'try-client.mjs');
/** The address the recipe is written for (`npm start`'s default). */
const DOCUMENTED_URL = `http://127.0.0.1:${DEFAULT_CONFIG.port}`;

let mock: ListeningMock;
// Beside the recipe, so that its `customers-mock` import resolves to this checkout as it does for a reader.
const copy = join(ROOT, 'examples', 'client', `.try-client-${process.pid}.mjs`);
beforeAll(async () => {
  mock = await startMock({ ...DEFAULT_CONFIG, port: 0 });
  writeFileSync(copy, readFileSync(RECIPE, 'utf8').replaceAll(DOCUMENTED_URL, mock.url));
});
afterAll(async () => {
  rmSync(copy, { force: true });
  await mock?.close();
});

/** The typed client's recipe (docs/integrators/server.md), run with node against a mock started with the defaults. */
it('runs: lists, pages through a status, creates, blacklists, restores, deletes and meets the 404', async () => {
  const { stdout } = await run(process.execPath, [copy], { cwd: ROOT });
  expect(stdout.trim().split('\n')).toEqual([
    expect.stringMatching(/^\d+ active customers match "an"; first: \S+$/),
    expect.stringMatching(/^\d+ blacklisted customers, paged through for you$/),
    '404 Customer not found',
  ]);
}, 60_000);
