import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { alive, descendants } from '../support/processes.js';
import { fencedBlocks } from '../support/readme-examples.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once the banner is out: the mock then answers on its port. */
function banner(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no banner within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('x-client-secret')) return;
      clearTimeout(timer);
      resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the banner:\n${output}`));
    });
  });
}

/**
 * Stops `launcher` alone (not its process group, as `kill $PID` in a CI script does), then waits
 * until nothing it started is left and the port is free again.
 */
async function stopAndExpectNothingLeft(launcher: ChildProcess, signal: NodeJS.Signals, port: number): Promise<void> {
  const started = descendants(launcher.pid!);
  expect(started.length).toBeGreaterThan(0);
  expect(await accepts(port)).toBe(true);
  const exited = new Promise((resolve) => launcher.once('exit', resolve));
  launcher.kill(signal);
  try {
    await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => expect.fail(`the launcher was still running ${STOP_TIMEOUT_MS} ms after ${signal}`))]);
    await expect.poll(() => started.filter(alive), { timeout: 10_000, interval: 100 }).toEqual([]);
    await expect.poll(() => accepts(port), { timeout: 5_000, interval: 100 }).toBe(false);
  } finally {
    for (const pid of [launcher.pid!, ...started].filter(alive)) process.kill(pid, 'SIGKILL');
  }
}

describe('a mock started in the background stops with the process that started it', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('npm start, sent %s, leaves no process and frees the port', async (signal) => {
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent', '--', '--port', String(port), '--count', '5'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    await banner(npm);
    await stopAndExpectNothingLeft(npm, signal, port);
  }, 90_000);

  it('under npx, whose sh -c dies of the SIGTERM npm passes it, the orphaned mock stops too', async () => {
    const port = await freePort();
    // npx's own chain (npm, then `sh -c "customers-mock ..."`): the sh stands for npm here, with the
    // environment npm gives the commands it runs.
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" --port ${port} --count 5`], {
      env: { ...process.env, npm_lifecycle_event: 'npx' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await banner(sh);
    await stopAndExpectNothingLeft(sh, 'SIGTERM', port);
  }, 90_000);

  it('started by hand with a shell\'s &, the mock outlives that shell, as a daemon does', async () => {
    const port = await freePort();
    const env = { ...process.env };
    delete env.npm_lifecycle_event;
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" --port ${port} --count 5`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await banner(sh);
    const [mock] = descendants(sh.pid!);
    const exited = new Promise((resolve) => sh.once('exit', resolve));
    sh.kill('SIGTERM');
    await exited;
    try {
      // Two polls of the parent watch, had it been on.
      await sleep(1_200);
      expect(alive(mock!)).toBe(true);
      expect(await accepts(port)).toBe(true);
    } finally {
      process.kill(mock!, 'SIGTERM');
    }
  }, 90_000);
});

describe('the documented background recipe (docs/integrators/server.md)', () => {
  it('starts the mock, waits until it answers, and stops it, leaving the port free', async () => {
    const guide = readFileSync(join(ROOT, 'docs', 'integrators', 'server.md'), 'utf8');
    const recipe = fencedBlocks(guide).find((block) => block.body.includes('MOCK_PID=$!'));
    expect(recipe).toBeDefined();
    const port = await freePort();
    const folder = mkdtempSync(join(tmpdir(), 'customers-mock-background-'));
    try {
      // As printed, but in the checkout (npm start, its own alternative), on a free port, with a
      // request where the reader's tests go, and a check that the stop freed the port.
      const script = recipe!.body
        .replace(/npx customers-mock --port 4010/, `npm start --silent -- --port ${port}`)
        .replaceAll('4010', String(port))
        .replace('mock.log', join(folder, 'mock.log'))
        .replace('# ...the tests...', `curl -sf -o /dev/null -H 'x-client-key: mock-client-key' -H 'x-client-secret: mock-client-secret' http://127.0.0.1:${port}/api/v0/customers`);
      await promisify(execFile)('bash', ['-c', `set -eu\n${script}\nwait "$MOCK_PID" || true`], { cwd: ROOT, timeout: 60_000 });
      expect(await accepts(port)).toBe(false);
      expect(readFileSync(join(folder, 'mock.log'), 'utf8')).toContain('SIGTERM: finishing in-flight requests, then stopping');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);
});
