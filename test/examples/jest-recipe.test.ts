import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** The README's jest recipe, run as the README says, by jest itself: its tests must pass. */
it('passes: examples/jest, run by jest as ES modules', async () => {
  const { stderr } = await run(process.execPath, ['--experimental-vm-modules', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], {
    cwd: join(ROOT, 'examples', 'jest'),
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  // jest reports on standard error; a failing test would have made it exit non-zero above.
  expect(stderr).toMatch(/Tests:\s+3 passed, 3 total/);
}, 120_000);
