import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { errorCode } from '../../src/caught-error.js';
import type { InProcessMock } from './mock.js';

/**
 * Registers the hooks of a test file whose in-process mocks run with `--state`: each test gets a
 * state file in a folder of its own (snapshot and journal sit beside it), and every mock passed to
 * `track` has its state closed after the test, so no journal stays open into the next one.
 */
export function stateFolders(prefix: string): {
  readonly freshState: () => string;
  readonly track: (mock: InProcessMock) => InProcessMock;
  /** Closes a tracked mock's state now, as a process that stops would (a restart's first half). */
  readonly stop: (mock: InProcessMock) => Promise<void>;
} {
  let root: string;
  let folders = 0;
  const open: InProcessMock[] = [];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const mock of open.splice(0)) await mock.mock.state?.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    freshState: () => {
      const folder = join(root, `state-${++folders}`);
      mkdirSync(folder);
      return join(folder, 's.json');
    },
    track: (mock) => {
      open.push(mock);
      return mock;
    },
    stop: async (mock) => {
      open.splice(open.indexOf(mock), 1);
      await mock.mock.state?.close();
    },
  };
}

/**
 * The text of every file in a state folder. A running mock rewrites some of them by a temporary
 * file renamed into place (the journal's reach after each flush): one listed and renamed before it
 * is read is skipped, its text being under its final name by then.
 */
export function textsOfFolder(folder: string, encoding: BufferEncoding = 'utf8'): string[] {
  return readdirSync(folder).flatMap((name) => {
    try {
      return [readFileSync(join(folder, name), encoding)];
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  });
}
