import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crossFolderCycles, importGraph } from '../support/import-graph.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('the import graph of src/', () => {
  const graph = importGraph(SRC);

  it('has no import loop across folders: each folder only imports folders below it', () => {
    const loops = crossFolderCycles(graph).map((cycle) => cycle.join(' -> '));
    expect(loops, 'import loops across folders').toEqual([]);
  });

  it('is read whole: type-only imports and re-exports are edges too', () => {
    // Imported only as types: a reader that skipped them would miss the loops they close.
    expect(graph.get('http/auth.ts')).toContain('tenancy/applications.ts');
    // Re-exported.
    expect(graph.get('index.ts')).toContain('browser.ts');
  });
});

describe('crossFolderCycles', () => {
  it('names a loop that crosses folders, and leaves loops within one folder alone', () => {
    const graph = new Map([
      ['http/auth.ts', ['tenancy/applications.ts', 'http/errors.ts']],
      ['tenancy/applications.ts', ['tenancy/rate-windows.ts']],
      ['tenancy/rate-windows.ts', ['http/auth.ts']],
      ['http/errors.ts', ['http/responses.ts']],
      ['http/responses.ts', ['http/errors.ts']],
    ]);
    expect(crossFolderCycles(graph)).toEqual([['tenancy/rate-windows.ts', 'http/auth.ts', 'tenancy/applications.ts', 'tenancy/rate-windows.ts']]);
  });
});
