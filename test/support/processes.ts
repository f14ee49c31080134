import { execFileSync } from 'node:child_process';

/** The pids of every process below `pid` right now (from `ps`, so Linux and macOS alike). */
export function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const below: number[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const [child, ppid] of table) {
      if (ppid !== parent) continue;
      below.push(child);
      parents.push(child);
    }
  }
  return below;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
