#!/usr/bin/env node
// `npm start`, `npm run contract` and `npm run fixtures` run a command of the package's `bin` through
// this: `node scripts/run-built.mjs customers-mock --port 5000`. It rebuilds dist/ when stale, then
// runs the command in this same process. One process, so the signals npm forwards when it is stopped
// reach the mock itself: with `build && node dist/...`, npm's child was a sh that died alone and
// left the mock holding its port.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const root = join(import.meta.dirname, '..');
const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const [command, ...args] = process.argv.slice(2);
if (command === undefined || !Object.hasOwn(bin, command)) {
  process.stderr.write(`usage: node scripts/run-built.mjs ${Object.keys(bin).join('|')} [arguments]\n`);
  process.exit(2);
}
await buildIfStale(root);
const entry = join(root, bin[command]);
// The command reads its arguments from process.argv, as when it is run as `node dist/cli/...`.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
