#!/usr/bin/env node
/**
 * Bundles the package's entry points, as tsc wrote them to dist/, into dist/bundle/: the root
 * (index.js, and browser.js for bundlers that ask for the browser condition) and
 * customers-mock/msw, which package.json's exports point to. A cold createMockFetch spent about
 * a fifth of its time resolving and loading some seventy modules one by one; bundled, it loads a
 * few. Dependencies stay imports of their packages. The entries share their common code through
 * chunks, so the root and customers-mock/msw have one engine between them (one MockOptionsError,
 * one ManualClock), and the Node server stays a chunk of its own, loaded when first started.
 *
 * The chunks sit as deep in dist/ as the modules they hold did (dist/openapi/...), so a path a
 * module takes relative to its own file (the package root, `../../`) still leads where it did.
 * `npm run build` runs this after tsc.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
// Chunks are named by their content: without this, every build would leave the last one's beside
// its own, and a packed tarball would carry them all.
rmSync(`${dist}bundle`, { recursive: true, force: true });

await build({
  entryPoints: { index: `${dist}index.js`, browser: `${dist}browser.js`, msw: `${dist}msw.js` },
  outdir: `${dist}bundle`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  // Maps back through tsc's own maps to src/.
  sourcemap: true,
  logLevel: 'error',
});
