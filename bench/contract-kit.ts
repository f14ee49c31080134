import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, stop } from './processes.js';
import { table } from './stats.js';

const ROOT = join(import.meta.dirname, '..');
/** Issue 11: a full run with writes against the mock takes at most this long. */
const TARGET_S = 30;
const PROFILES = ['documented', 'strict'] as const;

export interface KitRun {
  readonly profile: (typeof PROFILES)[number];
  readonly passed: boolean;
  /** The whole command, node's start-up included. */
  readonly seconds: number;
  /** As the kit printed it in its summary. */
  readonly requests: number;
  /** The machine's one-minute load average as the run started: the figures depend on it. */
  readonly load: number;
}

/**
 * `customers-contract --allow-writes` in both profiles against the mock started as the README says
 * for kit runs (`npm start -- --rate-limit 100000`: the default 500 customers), one run at a time.
 */
export async function measureContractRuns(rounds: number): Promise<KitRun[]> {
  const port = await freePort();
  const mock = await startServer(
    'customers-mock for kit runs',
    [join(ROOT, 'dist', 'cli', 'main.js'), '--port', String(port), '--rate-limit', '100000'],
    /listening on (http:\/\/\S+)/,
    `http://127.0.0.1:${port}`,
    60_000,
  );
  try {
    const runs: KitRun[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const profile of PROFILES) {
        process.stderr.write(`contract kit, profile ${profile}, round ${round + 1} of ${rounds}\n`);
        runs.push(await kitRun(mock.url, profile));
      }
    }
    return runs;
  } finally {
    await stop(mock.child);
  }
}

function kitRun(url: string, profile: KitRun['profile']): Promise<KitRun> {
  const args = [join(ROOT, 'dist', 'cli', 'contract.js'), '--base-url', url, '--client-key', 'mock-client-key', '--client-secret', 'mock-client-secret', '--allow-writes', '--profile', profile];
  const load = loadavg()[0]!;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A failing run exits 1: its summary is still the figure wanted, and the outcome says it failed.
    execFile(process.execPath, args, { maxBuffer: 64 * 2 ** 20 }, (_exit, stdout) => {
      const seconds = (performance.now() - started) / 1000;
      const summary = /^Contract (PASSED|FAILED) .*; (\d+) requests sent in/m.exec(stdout);
      if (!summary) return reject(new Error(`the kit printed no summary:\n${stdout.slice(-2000)}`));
      resolve({ profile, passed: summary[1] === 'PASSED', seconds, requests: Number(summary[2]), load });
    });
  });
}

export function renderContractRuns(runs: readonly KitRun[]): string {
  const slowest = Math.max(...runs.map((r) => r.seconds));
  return [
    `## Contract kit: full runs with writes against the mock (issue 11: at most ${TARGET_S} s)`,
    '',
    'The mock started as the README says for kit runs (`npm start -- --rate-limit 100000`, 500 customers), then `customers-contract --allow-writes` in each profile, one run at a time; the wall time is the whole command, node\'s start-up included, and the requests are those the kit printed.',
    '',
    table(
      ['profile', 'outcome', 'wall time', 'requests sent', `load average (${cpus().length} CPUs)`],
      runs.map((r) => [r.profile, r.passed ? 'passed' : 'FAILED', `${r.seconds.toFixed(1)} s`, String(r.requests), r.load.toFixed(1)]),
    ),
    '',
    `Slowest run: ${slowest.toFixed(1)} s, ${slowest <= TARGET_S ? 'within' : 'OVER'} the ${TARGET_S} s target.`,
    '',
  ].join('\n');
}
