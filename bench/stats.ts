import { readFileSync } from 'node:fs';

/** The value below which `p` percent of the samples fall (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface CallTimes {
  /** Wall-clock milliseconds per call. */
  readonly wall: number[];
  /**
   * CPU milliseconds per call (this process, all threads): unlike wall time, not inflated while
   * the scheduler runs other processes, which on a shared machine is most of the wall p99.
   */
  readonly cpu: number[];
}

/**
 * How long each call of `run` takes, `times` times after `warmup` untimed calls; `prepare`, if
 * given, runs untimed before each call.
 */
export function timeCalls(times: number, run: (i: number) => unknown, warmup = Math.min(20, times), prepare?: (i: number) => void): CallTimes {
  for (let i = 0; i < warmup; i++) run(i);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < times; i++) {
    prepare?.(i);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    run(i);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

/** A GitHub-flavoured Markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function ms(value: number): string {
  return Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value.toFixed(1)) : 'n/a';
}

export function mib(bytes: number | undefined): string {
  return bytes === undefined || !Number.isFinite(bytes) ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** A target's verdict in RESULTS.md's tables: met or not, with the figure it rests on. */
export function verdict(met: boolean, detail: string): string {
  return `${met ? 'met' : '**not met**'} (${detail})`;
}

/**
 * Runs `work` and gives the share of the machine's CPU time that its hypervisor gave to other
 * guests meanwhile (the steal column of Linux's /proc/stat); undefined where there is no
 * /proc/stat. A process waiting for its virtual CPU shows as latency here.
 */
export async function stolenShareDuring(work: () => Promise<void>): Promise<number | undefined> {
  const before = cpuJiffies();
  await work();
  const after = cpuJiffies();
  if (!before || !after || after.total === before.total) return undefined;
  return (after.steal - before.steal) / (after.total - before.total);
}

function cpuJiffies(): { steal: number; total: number } | undefined {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  } catch {
    return undefined;
  }
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { steal: fields[7] ?? 0, total: fields.reduce((sum, value) => sum + value, 0) };
}
