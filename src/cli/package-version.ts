import { readFileSync } from 'node:fs';
import { isJsonObject } from '../json-object.js';

/** The installed package's version, read at run time so that `--version` never disagrees with package.json. */
export function packageVersion(): string {
  // From dist/cli/ (and src/cli/ under the tests) the package root is two folders up.
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  if (!isJsonObject(pkg) || typeof pkg.version !== 'string') throw new Error('package.json names no version');
  return pkg.version;
}
