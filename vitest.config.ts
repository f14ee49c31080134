import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The recipes in examples/ are tests too (jest's is run by test/examples/jest-recipe.test.ts).
    include: ['test/**/*.test.ts', 'examples/vitest/**/*.test.ts', 'examples/storybook/**/*.test.ts'],
    // The contract suite runs through its own CLI (contract-tests/), against a server it is given.
    exclude: ['contract-tests/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'junit'],
    outputFile: { junit: 'test-results/junit.xml' },
  },
});
