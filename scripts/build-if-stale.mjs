#!/usr/bin/env node
// `npm start` and `npm run contract` run dist/; this rebuilds it first when any input of the
// build is newer, so they never run old code after an edit. When dist/ is current it only reads
// file times (a few milliseconds).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(import.meta.dirname, '..');
  const reason = staleBuildReason(root);
  if (reason !== undefined) {
    process.stderr.write(`building (${reason})...\n`);
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
}
