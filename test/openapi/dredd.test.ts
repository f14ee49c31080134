import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';
import { startMock, type ListeningMock } from '../../src/node-mock.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

let mock: ListeningMock;
beforeAll(async () => {
  // What `npm start` serves: the example customer id of the document is among its customers.
  mock = await startMock({ ...DEFAULT_CONFIG, port: 0 });
});
afterAll(() => mock?.close());

/**
 * Dredd (a stock contract tester) sends the document's own example requests, as the document
 * stands, and checks the answers against it; examples/dredd/hooks.cjs (quoted in the docs) only
 * makes up for how Dredd uses the examples. Every 2xx transaction must pass.
 */
it('Dredd runs openapi/customers.yaml, unmodified, against the mock and every transaction it sends passes', async () => {
  const dredd = join(ROOT, 'node_modules', 'dredd', 'bin', 'dredd');
  const args = [
    'openapi/customers.yaml',
    mock.url,
    '--hookfiles=examples/dredd/hooks.cjs',
    '--header',
    'x-client-key: mock-client-key',
    '--header',
    'x-client-secret: mock-client-secret',
    '--loglevel=error',
    '--color=false',
  ];
  const { stdout } = await run(process.execPath, [dredd, ...args], { cwd: ROOT, timeout: 120_000 });
  const passing = stdout.split('\n').filter((line) => line.startsWith('pass: '));
  // Every operation of the document, each through its success response.
  expect(passing.map((line) => line.replace(/ duration: .*$/, ''))).toEqual([
    'pass: GET (200) /api/v0/customers',
    'pass: POST (201) /api/v0/customers',
    'pass: GET (200) /api/v0/customers/906fe73e-876f-4d60-84db-2f5f263fc81e',
    'pass: PATCH (200) /api/v0/customers/906fe73e-876f-4d60-84db-2f5f263fc81e',
    'pass: DELETE (200) /api/v0/customers/906fe73e-876f-4d60-84db-2f5f263fc81e',
    'pass: POST (200) /__admin/reset',
    'pass: PUT (200) /__admin/customers',
    'pass: GET (200) /__admin/requests',
    'pass: DELETE (200) /__admin/requests',
    'pass: POST (201) /__admin/sandboxes',
    'pass: GET (200) /__admin/sandboxes',
    expect.stringMatching(/^pass: DELETE \(200\) \/__admin\/sandboxes\/sandbox_\w+$/),
  ]);
  expect(stdout).not.toMatch(/^(fail|error): /m);
}, 150_000);
