import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';

// What only the built CLI (dist/) shows; the same logic is unit-tested from src/ in the quick loop.

const ROOT = join(import.meta.dirname, '..', '..');

describe('the committed fixture', () => {
  it('is exactly what `npm run fixtures` regenerates', () => {
    const regenerated = execFileSync(process.execPath, [CLI, 'generate', '--seed', '42', '--count', '50'], {
      encoding: 'utf8',
    });
    expect(regenerated).toBe(readFileSync(join(ROOT, 'fixtures', 'customers.seed-42.json'), 'utf8'));
  });
});

describe('customers-mock --compat (the built CLI)', () => {
  it.concurrent.each([
    ['a bad key', 'colour=blue'],
    ['a bad value', 'ids=v9'],
  ])('exits 2 on %s, naming the valid keys and values', async (_what, text) => {
    const { code, stderr, stdout } = await runCli(['--port', '0', '--compat', text]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`got "${text}"`);
    expect(stderr).toContain('ids=any|v4');
    expect(stderr).toContain('delete=supported|absent');
  });
});
