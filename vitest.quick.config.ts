import { defineConfig } from 'vitest/config';

/**
 * `npm run test:quick`: the loop to run while editing. Unit, property and in-process HTTP tests,
 * straight from src/ through vite's transform: no build, no bundle, no browser, no child process.
 * What needs dist/, a spawned CLI, Chromium or another product's server runs in `npm test` only.
 */
const EXCLUDED = [
  // It spawns the built CLI (dist/cli/main.js).
  'test/http/persistence.test.ts',
  // It starts Prism and loads dist/index.js.
  'test/openapi/prism-proxy.test.ts',
  // They run the build's generators and other products' linters (Redocly, Spectral) over the document.
  'test/openapi/document.test.ts',
  'test/openapi/spectral.test.ts',
  // Floods and fuzzing: tens of thousands of requests each, half a minute between them.
  'test/http/fairness.test.ts',
  'test/property/in-process-parity.test.ts',
  // It starts Dredd, another product, as a child process.
  'test/openapi/dredd.test.ts',
];

/** Files that need the platform's own globals, untouched by other files' servers. */
const GLOBALS_AS_NODE_HAS_THEM = ['test/unit/in-memory-response.test.ts'];

const QUICK = ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/http/**/*.test.ts', 'test/in-process/**/*.test.ts', 'test/openapi/**/*.test.ts', 'test/smoke.test.ts'];
const TIMEOUTS = { testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        // Test files share one module graph per worker instead of each importing the app afresh:
        // less than half the CPU time (17 s of user time against 42 s). No test here mocks modules
        // or timers; `npm test` keeps each file isolated, and would catch one that leaked state.
        test: { name: 'shared', include: QUICK, exclude: [...EXCLUDED, ...GLOBALS_AS_NODE_HAS_THEM], isolate: false, ...TIMEOUTS },
      },
      // @hono/node-server replaces the global Response when a test starts a server; these compare
      // against the platform's own, so they get a fresh module graph and globals.
      { test: { name: 'isolated', include: GLOBALS_AS_NODE_HAS_THEM, ...TIMEOUTS } },
    ],
  },
});
