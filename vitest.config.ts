import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The recipes in examples/ are tests too (jest's is run by test/examples/jest-recipe.test.ts).
    include: ['test/**/*.test.ts', 'examples/vitest/**/*.test.ts', 'examples/storybook/**/*.test.ts'],
    // The contract suite runs through its own CLI (contract-tests/), against a server it is given.
    exclude: ['contract-tests/**', 'node_modules/**', 'dist/**'],
    // Vitest's default, one worker fewer than the cores, runs the files one at a time on 2 cores;
    // most of them wait on child processes, sockets and timers, so two share the cores well: the
    // suite took 360 s instead of 500 s on the 2-core CI machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'junit'],
    outputFile: { junit: 'test-results/junit.xml' },
  },
});
