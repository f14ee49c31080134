import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_INPUTS, staleBuildReason } from '../../scripts/build-if-stale.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
let checkout: string;

/** Writes `path` under the fake checkout with a modification time `secondsAgo` in the past. */
function file(path: string, secondsAgo: number): void {
  const full = join(checkout, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(full, at, at);
}

beforeEach(() => {
  checkout = mkdtempSync(join(tmpdir(), 'build-if-stale-'));
});
afterEach(() => rmSync(checkout, { recursive: true, force: true }));

describe('scripts/build-if-stale.mjs decides when dist/ is old code', () => {
  it('builds when there is no dist/', () => {
    file('src/node-mock.ts', 10);
    expect(staleBuildReason(checkout)).toBe('no dist/ yet');
  });

  it('builds when a source, the document or a build setting is newer than the last build', () => {
    for (const input of ['src/http/app.ts', 'openapi/customers.yaml', 'tsconfig.build.json']) {
      rmSync(checkout, { recursive: true, force: true });
      file('dist/cli/main.js', 60);
      file(input, 5);
      expect(staleBuildReason(checkout), input).toBe('sources changed since the last build');
    }
  });

  it('does not build when dist/ is newer than every input', () => {
    file('src/http/app.ts', 60);
    file('openapi/customers.yaml', 60);
    file('dist/cli/main.js', 5);
    expect(staleBuildReason(checkout)).toBeUndefined();
  });

  it('covers everything `npm run build` reads, and every script that runs a command goes through run-built.mjs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(BUILD_INPUTS).toEqual(expect.arrayContaining(['src', 'openapi', 'tsconfig.build.json']));
    expect(Object.values(pkg.scripts).filter((command) => /dist\//.test(command))).toEqual([]);
    const runsCommand = Object.entries(pkg.scripts).filter(([, command]) => /run-built\.mjs/.test(command));
    expect(runsCommand.map(([name]) => name)).toEqual(expect.arrayContaining(['start', 'contract', 'fixtures']));
    // `exec`: npm's child is the command's node process itself, not a sh, so npm's stop signal reaches it.
    for (const [name, command] of runsCommand) expect(command, name).toMatch(new RegExp(`^exec node scripts/run-built\\.mjs (${Object.keys(pkg.bin).join('|')})( |$)[^&|;]*$`));
  });
});
