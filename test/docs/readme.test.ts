import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';
import { startMock, type ListeningMock } from '../../src/node-mock.js';
import { outputDifferences, runnableBlocks, type RunnableBlock } from '../support/readme-examples.js';
import { CREDENTIALS } from '../support/mock.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The address the README's examples are written for (`npm start`'s default). */
const DOCUMENTED_URL = `http://127.0.0.1:${DEFAULT_CONFIG.port}`;
const SEGMENT_END = '@@readme-example-segment-end@@';
const run = promisify(execFile);

const blocks = runnableBlocks(README);

describe('README examples', () => {
  let mock: ListeningMock;
  beforeAll(async () => {
    // What `npm start` serves, on a free port so that a running mock or a parallel test cannot clash.
    mock = await startMock({ ...DEFAULT_CONFIG, port: 0 });
  });
  afterAll(() => mock?.close());

  it('has runnable examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((b) => [b.line, b] as const))('the block at README.md:%i prints what it shows', async (_line, block: RunnableBlock) => {
    const reset = await fetch(`${mock.url}/__admin/reset`, { method: 'POST', headers: CREDENTIALS });
    expect(reset.status).toBe(200);
    const script = ['set -eu', ...block.segments.map((s) => `${s.commands.replaceAll(DOCUMENTED_URL, mock.url)}\nprintf '\\n%s\\n' '${SEGMENT_END}'`)].join('\n');
    const { stdout } = await run('bash', ['-c', script], { cwd: ROOT, timeout: 30_000 });
    const outputs = stdout.replaceAll(mock.url, DOCUMENTED_URL).split(`\n${SEGMENT_END}\n`);
    const report = block.segments.flatMap((segment, i) =>
      outputDifferences(segment.expected, outputs[i] ?? '').map((d) => `README.md:${segment.line}: ${segment.commands.split('\n')[0]}\n    ${d}`),
    );
    expect(report.join('\n')).toBe('');
  });
});

describe('README', () => {
  it('keeps the two commands a new user runs, and CI runs the test one', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toContain('npm ci && npm test');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci\nnpm test$/m);
  });

  it('shows CI jobs that are valid YAML and publish the JUnit report the contract command writes', () => {
    const yamlBlocks = [...README.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(2);
    for (const text of yamlBlocks) {
      for (const document of parseAllDocuments(text)) expect(document.errors).toEqual([]);
      const report = /--junit (\S+)/.exec(text)?.[1];
      expect(report, text).toBeDefined();
      // The publishing step names the same file.
      expect(text.split(report!).length - 1, text).toBeGreaterThanOrEqual(2);
    }
  });
});
