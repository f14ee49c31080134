import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';
import { startMock, type ListeningMock } from '../../src/node-mock.js';
import { excerptDifferences, fencedBlocks, outputDifferences, runnableBlocks, type RunnableBlock } from '../support/readme-examples.js';
import { CREDENTIALS } from '../support/mock.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The manual: the README and every guide under docs/. */
const MANUAL = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))].sort();
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const README = text('README.md');
/** The address the examples are written for (`npm start`'s default). */
const DOCUMENTED_URL = `http://127.0.0.1:${DEFAULT_CONFIG.port}`;
const SEGMENT_END = '@@readme-example-segment-end@@';
const run = promisify(execFile);

const runnable = MANUAL.flatMap((file) => runnableBlocks(text(file)).map((block) => [`${file}:${block.line}`, block] as const));
const code = MANUAL.flatMap((file) => fencedBlocks(text(file)).map((block) => ({ file, ...block })));

describe('runnable examples of the README and docs/', () => {
  let mock: ListeningMock;
  beforeAll(async () => {
    // What `npm start` serves, on a free port so that a running mock or a parallel test cannot clash.
    mock = await startMock({ ...DEFAULT_CONFIG, port: 0 });
  });
  afterAll(() => mock?.close());

  it('has runnable examples to check, the first of them on the README\'s first screen', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(5);
    expect(runnable[0]![0]).toMatch(/^README\.md:\d$|^README\.md:[1-3]\d$/);
  });

  it.each(runnable)('the block at %s prints what it shows', async (where, block: RunnableBlock) => {
    const reset = await fetch(`${mock.url}/__admin/reset`, { method: 'POST', headers: CREDENTIALS });
    expect(reset.status).toBe(200);
    const script = ['set -eu', ...block.segments.map((s) => `${s.commands.replaceAll(DOCUMENTED_URL, mock.url)}\nprintf '\\n%s\\n' '${SEGMENT_END}'`)].join('\n');
    const { stdout } = await run('bash', ['-c', script], { cwd: ROOT, timeout: 30_000 });
    const outputs = stdout.replaceAll(mock.url, DOCUMENTED_URL).split(`\n${SEGMENT_END}\n`);
    const file = where.split(':')[0];
    const report = block.segments.flatMap((segment, i) =>
      outputDifferences(segment.expected, outputs[i] ?? '').map((d) => `${file}:${segment.line}: ${segment.commands.split('\n')[0]}\n    ${d}`),
    );
    expect(report.join('\n')).toBe('');
  });
});

describe('code in the README and docs/', () => {
  const programs = code.filter((block) => ['ts', 'js', 'mjs', 'typescript', 'javascript'].includes(block.language));

  it('has TypeScript and JavaScript snippets to check', () => {
    expect(programs.length).toBeGreaterThanOrEqual(4);
  });

  // A snippet is a doc-test through the file it is cut from: that file is run by npm test (all but
  // Storybook's preview.js, which only Storybook reads), and the snippet must be its text, line for
  // line, in order.
  it.each(programs.map((block) => [`${block.file}:${block.line}`, block] as const))('the %s snippet is taken word for word from a file npm test runs', (_where, block) => {
    const source = block.attributes.excerpt;
    expect(source, `${_where}: a ts or js block names its file with excerpt=examples/...`).toMatch(/^examples\//);
    expect(excerptDifferences(block.body, text(source!))).toEqual([]);
  });

  it('links only to files that exist', () => {
    const broken = MANUAL.flatMap((file) =>
      [...text(file).matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)(#[^)]*)?\)/g)].flatMap((m) => {
        const target = join(ROOT, file, '..', m[1]!);
        try {
          readFileSync(target);
          return [];
        } catch (error) {
          return (error as NodeJS.ErrnoException).code === 'EISDIR' ? [] : [`${file}: ${m[1]} (${relative(ROOT, target)})`];
        }
      }),
    );
    expect(broken).toEqual([]);
  });
});

describe('README', () => {
  it('keeps the two commands a new user runs on its first screen, and CI runs the test one', () => {
    const firstScreen = README.split('\n').slice(0, 60).join('\n');
    expect(firstScreen).toContain('npm ci && npm start');
    expect(firstScreen).toContain('npm ci && npm test');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci\nnpm test$/m);
  });

  it('starts the three paths on its first screen, then a table of contents linking every guide', () => {
    const contents = README.indexOf('## Contents');
    expect(contents).toBeGreaterThan(0);
    const firstScreen = README.slice(0, contents);
    for (const path of ['**Run the mock**', '**Test in process**', '**Check a deployment**']) expect(firstScreen).toContain(path);
    const guides = MANUAL.filter((f) => f.startsWith('docs/'));
    for (const guide of guides) expect(README, guide).toContain(`](${guide})`);
  });
});

describe('CI recipes', () => {
  const yamlBlocks = code.filter((block) => block.language === 'yaml');

  it('are valid YAML', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(4);
    for (const block of yamlBlocks) for (const document of parseAllDocuments(block.body)) expect(document.errors, `${block.file}:${block.line}`).toEqual([]);
  });

  it('publish the JUnit report a contract run writes', () => {
    const contract = yamlBlocks.filter((block) => block.body.includes('customers-contract'));
    expect(contract.length).toBeGreaterThanOrEqual(2);
    for (const { body } of contract) {
      const report = /--junit (\S+)/.exec(body)?.[1];
      expect(report, body).toBeDefined();
      // The publishing step names the same file.
      expect(body.split(report!).length - 1, body).toBeGreaterThanOrEqual(2);
    }
  });

  it('that start the mock in the background wait until it answers and stop it', () => {
    const background = yamlBlocks.filter((block) => /customers-mock .*&$/m.test(block.body));
    expect(background.length).toBeGreaterThanOrEqual(2);
    for (const { body } of background) {
      expect(body).toContain('--retry-connrefused');
      expect(body).toMatch(/kill "\$MOCK_PID"/);
    }
  });
});
