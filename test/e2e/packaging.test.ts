import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { alive, descendants } from '../support/processes.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const npmEnv = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };

/**
 * What a user gets from `npm pack` / the registry, installed in an empty project and run with npx.
 * `npm test` builds dist first; the pack skips the prepare script so it does not build twice.
 */
describe('the packed tarball', () => {
  let project: string;
  let files: string[];

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'customers-mock-pack-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT, env: npmEnv });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = packed!.files.map((f) => f.path);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tarball-user', private: true }));
    // msw beside it, as a project using the msw handlers has it (the version this checkout tests with).
    const msw = `msw@${pkg.devDependencies.msw}`;
    await run('npm', ['install', '--prefer-offline', '--no-save', '--ignore-scripts', join(project, packed!.filename), msw], { cwd: project, env: npmEnv });
  }, 180_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('ships every file package.json points to, what the mock reads at run time, and no sources or tests', () => {
    const entries = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((conditions) => Object.values(conditions))];
    for (const needed of [...entries.map((entry) => entry.replace(/^\.\//, '')), 'openapi/customers.yaml', 'customers-mock.config.schema.json', 'README.md', 'CHANGELOG.md', 'docs/qa/contract-kit.md']) {
      expect(files).toContain(needed);
    }
    expect(files.some((f) => f.startsWith('fixtures/'))).toBe(true);
    expect(files.filter((f) => /^(src|test)\//.test(f))).toEqual([]);
  });

  it('runs the README\'s vitest recipe (msw handlers and createMockFetch): list, create, fetch, a 401, a 400', async () => {
    copyFileSync(join(ROOT, 'examples', 'vitest', 'customers.test.ts'), join(project, 'customers.test.ts'));
    // The vitest the package depends on, as the recipe's reader would run it.
    const { stdout } = await run('npx', ['--no-install', 'vitest', 'run', 'customers.test.ts'], { cwd: project, env: { ...npmEnv, NO_COLOR: '1' } });
    expect(stdout).toMatch(/Tests\s+3 passed \(3\)/);
  }, 120_000);

  it('gives bundlers for the browser an entry without the server, and msw handlers, with no Node module', async () => {
    const bundled = await build({
      stdin: { contents: "export { createMockFetch } from 'customers-mock'; export { customersHandlers } from 'customers-mock/msw';", resolveDir: project, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      external: ['msw'],
      write: false,
      logLevel: 'silent',
    });
    expect(bundled.errors).toEqual([]);
    expect(bundled.outputFiles[0]!.text).toContain('createMockFetch');
  });

  it.each(['customers-mock', 'customers-contract'])('npx %s --version prints the version', async (command) => {
    const { stdout } = await run('npx', ['--no-install', command, '--version'], { cwd: project, env: npmEnv });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('npx customers-mock, its npx alone sent SIGTERM (as `kill $PID` does in CI), stops and frees the port', async () => {
    const npx = spawn('npx', ['--no-install', 'customers-mock', '--port', '0', '--count', '3'], { cwd: project, env: npmEnv });
    const url = await listeningUrl(npx);
    const started = descendants(npx.pid!);
    expect(started.length).toBeGreaterThan(0);
    const exited = new Promise((done) => npx.once('exit', done));
    npx.kill('SIGTERM');
    try {
      await exited;
      await expect.poll(() => started.filter(alive), { timeout: 10_000, interval: 100 }).toEqual([]);
      await expect(fetch(`${url}/openapi.json`)).rejects.toThrow();
    } finally {
      for (const pid of started.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);

  it('npx customers-mock serves the API and its docs, set up by a config file, and npx customers-contract passes it', async () => {
    const schema = './node_modules/customers-mock/customers-mock.config.schema.json';
    expect(existsSync(join(project, schema))).toBe(true);
    writeFileSync(join(project, 'customers-mock.config.json'), JSON.stringify({ $schema: schema, count: 5, log: true }));
    // Its own process group, so the npx wrapper and the node under it stop together.
    const child = spawn('npx', ['--no-install', 'customers-mock', '--port', '0'], { cwd: project, env: npmEnv, detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      const url = await listeningUrl(child);
      const res = await fetch(`${url}/api/v0/customers?take=2`, { headers: { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { total: number }).total).toBe(5);
      const docs = await fetch(`${url}/docs/assets/swagger-ui-bundle.js`);
      expect(docs.status).toBe(200);
      await docs.arrayBuffer();
      // --log, from the file: the request line, and never the secret sent in the headers.
      await expect.poll(() => output, { timeout: 5_000 }).toMatch(/INFO: GET \/api\/v0\/customers\?take=2 200 [\d.]+ ms/);
      const logLines = output.split('\n').filter((line) => /\] (INFO|WARN|ERROR): /.test(line));
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('\n')).not.toContain('mock-client-secret');
      // The kit's bin runs its TypeScript suite through the vitest the package depends on. Run from
      // a folder below the project, a relative --junit lands there (not in node_modules/customers-mock)
      // and is printed absolute, so QA's CI finds its artifact.
      const ciFolder = join(project, 'ci');
      mkdirSync(ciFolder);
      const contract = await run(
        'npx',
        ['--no-install', 'customers-contract', '--base-url', url, '--client-key', 'mock-client-key', '--client-secret', 'mock-client-secret', '--junit', 'reports/contract-junit.xml'],
        { cwd: ciFolder, env: npmEnv },
      );
      expect(contract.stdout).toMatch(/Contract PASSED/);
      const report = join(ciFolder, 'reports', 'contract-junit.xml');
      expect(contract.stdout).toContain(`JUnit report: ${report}\n`);
      expect(readFileSync(report, 'utf8')).toMatch(/<testsuites name="contract \(profile documented\)" tests="\d+" failures="0"/);
      expect(existsSync(join(project, 'node_modules', 'customers-mock', 'reports'))).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    }
  });
});

/** The URL from the banner, or the reason it never came (bounded: 30 s). */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
}
