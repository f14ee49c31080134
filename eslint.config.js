// Type-aware linting for the rules that catch defects the compiler lets through (a promise nobody
// awaits or handles, an async function where a callback's result is ignored, `any` leaking into
// typed code, a needless cast hiding a real type), not for style: formatting is not checked.
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // examples/ are users' recipes: they import the built package by name and run under their own
  // runner (vitest, jest) in the packaging and recipe tests, outside this project's type program.
  { ignores: ['dist/', '.bench-out/', 'test-results/', 'coverage/', 'src/openapi/openapi-types.ts', 'src/openapi/document.generated.ts', 'src/openapi/validators.generated.ts', 'src/openapi/documented-validators.generated.ts', 'examples/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A leading underscore marks a value left out on purpose (`const { id: _id, ...rest } = x`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An async fake of an async interface need not await anything.
      '@typescript-eslint/require-await': 'off',
      // URLs and query strings print as themselves.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allow: [
            { from: 'lib', name: ['URL', 'URLSearchParams'] },
            { from: 'package', package: '@types/node', name: ['URL', 'URLSearchParams'] },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON bodies of any shape (test/support types them `any` unless a test says more);
    // the unsafe-any family would only ask for casts there. The promise rules still apply.
    files: ['test/**', 'contract-tests/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/http/*'], message: 'src/cli reads configuration from src/config; the HTTP layer is reached only through src/node-mock.ts.' }] }],
    },
  },
  {
    files: ['src/domain/**', 'src/store/**', 'src/config/**', 'src/openapi/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/http/*', '**/tenancy/*', '**/cli/*', '**/node-mock.js'], message: 'Imports point one way: domain, store, config and openapi know nothing of HTTP, tenancy or the command line.' }] }],
    },
  },
  {
    // The tenancy model (applications, sandboxes, what is kept per caller) sits below HTTP: the
    // HTTP steps find the caller and ask it, never the reverse.
    files: ['src/tenancy/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/http/*', '**/cli/*', '**/in-process/*', '**/node-mock.js', '**/engine.js'], message: 'src/tenancy knows nothing of HTTP, the command line or the front doors: they ask it.' }] }],
    },
  },
  {
    // Plain JavaScript (this file, build scripts, a probe a test runs in a child process): not
    // type-checked, and run by Node, whose globals it uses.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
