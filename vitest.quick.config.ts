import { defineConfig } from 'vitest/config';

/**
 * `npm run test:quick`: the loop to run while editing. Unit, property and in-process HTTP tests,
 * straight from src/ through vite's transform: no build, no bundle, no browser, no child process.
 * What needs dist/, a spawned CLI, Chromium or another product's server runs in `npm test` only.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/http/**/*.test.ts', 'test/in-process/**/*.test.ts', 'test/openapi/**/*.test.ts', 'test/smoke.test.ts'],
    exclude: [
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
    ],
    // Test files share one module graph per worker instead of each importing the app afresh:
    // less than half the CPU time (17 s of user time against 42 s). No test in these folders mocks
    // modules, timers or globals; `npm test` keeps each file isolated, and would catch one that
    // leaked state into another.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
