import { readFileSync } from 'node:fs';

/** The installed package's version, read at run time so that `--version` never disagrees with package.json. */
export function packageVersion(): string {
  // From dist/cli/ (and src/cli/ under the tests) the package root is two folders up.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
