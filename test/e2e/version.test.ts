import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };

const run = promisify(execFile);
const DIST_CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli');

describe('--version', () => {
  it.each([
    ['customers-mock', 'main.js', '--version'],
    ['customers-mock', 'main.js', '-v'],
    ['customers-contract', 'contract.js', '--version'],
    ['customers-contract', 'contract.js', '-v'],
  ])('%s (%s) %s prints the package version alone and exits 0', async (_command, file, flag) => {
    // No --base-url or credentials: the version needs nothing else, as --help does not.
    const { stdout, stderr } = await run(process.execPath, [join(DIST_CLI, file), flag], { env: { ...process.env, CONTRACT_BASE_URL: '' } });
    expect(stdout).toBe(`${pkg.version}\n`);
    expect(stderr).toBe('');
  });

  it('is the version the changelog is preparing, or the last it released when nothing is unreleased', () => {
    const changelog = readFileSync(join(import.meta.dirname, '..', '..', 'CHANGELOG.md'), 'utf8');
    const unreleased = /^## \[Unreleased\]\n([\s\S]*?)^## \[/m.exec(changelog)?.[1] ?? '';
    const lastRelease = /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(changelog)?.[1];
    if (/^### /m.test(unreleased)) expect(unreleased).toContain(`released as ${pkg.version}`);
    else expect(lastRelease).toBe(pkg.version);
  });
});
