#!/usr/bin/env node
// `npm start` and `npm run contract` run dist/ (through run-built.mjs); this rebuilds it first when
// any input of the build is newer, so they never run old code after an edit. When dist/ is current
// it only reads file times (a few milliseconds).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What `npm run build` reads: the sources, the document it compiles in, and its settings. */
export const BUILD_INPUTS = ['src', 'openapi', 'scripts/compile-openapi.mjs', 'scripts/compile-vocabulary.mjs', 'scripts/compile-default-data-set.mjs', 'scripts/generated-modules.mjs', 'scripts/bundle-entries.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** Modification times of every file under `path` (or of `path` itself); none when it is missing. */
function modificationTimes(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
}

/** Why `root`'s dist/ must be built again, or undefined when it is current. */
export function staleBuildReason(root) {
  const built = modificationTimes(join(root, 'dist'));
  if (built.length === 0) return 'no dist/ yet';
  const newestInput = Math.max(...BUILD_INPUTS.flatMap((input) => modificationTimes(join(root, input))));
  // A build rewrites every output, so the newest file in dist/ tells when the last build ran.
  return newestInput > Math.max(...built) ? 'sources changed since the last build' : undefined;
}

/**
 * Builds `root`'s dist/ when it is stale. The build runs in a process group of its own and a
 * SIGINT or SIGTERM sent to this process ends the whole build (npm, sh, tsc) with it, so that a
 * killed `npm start` leaves nothing running behind it.
 */
export function buildIfStale(root) {
  const reason = staleBuildReason(root);
  if (reason === undefined) return Promise.resolve();
  process.stderr.write(`building (${reason})...\n`);
  return new Promise((resolve) => {
    const build = spawn('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', detached: true });
    const stop = (signal) => process.kill(-build.pid, signal);
    const signals = ['SIGINT', 'SIGTERM'];
    for (const signal of signals) process.on(signal, stop);
    build.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, stop);
      if (code === 0) resolve();
      // Ended the way the build ended: by its signal (as a shell reports it), or with its code.
      else if (signal !== null) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}
