import { nodeFileSystem, type StateFileHandle, type StateFileSystem } from '../../src/store/state-file-system.js';

/**
 * The real file system, until told to fail as a full disk does: a write then stores half of what
 * it was given (a torn record, as a disk filling up mid-write leaves) and the next one throws.
 */
export class FailingFileSystem implements StateFileSystem {
  private failure: { code: string; applies: (path: string) => boolean } | undefined;

  /** From now on, writes to (and creating) files `applies` accepts fail with `code`. */
  failWith(code: string, applies: (path: string) => boolean = () => true): void {
    this.failure = { code, applies };
  }

  heal(): void {
    this.failure = undefined;
  }

  async open(path: string, flags: 'w' | 'r+'): Promise<StateFileHandle> {
    this.throwIfFailing(path, 'open');
    const handle = await nodeFileSystem.open(path, flags);
    let tornOnce = false;
    // How much of a write of `length` bytes gets written: half of the first failing one, then an error.
    const writable = (length: number): number => {
      if (!this.failure?.applies(path)) return length;
      if (!tornOnce && length > 1) {
        tornOnce = true;
        return Math.floor(length / 2);
      }
      this.throwIfFailing(path, 'write');
      return length;
    };
    return {
      write: async (buffer, offset, length, position) => handle.write(buffer, offset, writable(length), position),
      writeSync: (buffer, offset, length, position) => handle.writeSync(buffer, offset, writable(length), position),
      datasync: () => handle.datasync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  }

  rename(from: string, to: string): Promise<void> {
    return nodeFileSystem.rename(from, to);
  }

  remove(path: string): Promise<void> {
    return nodeFileSystem.remove(path);
  }

  syncFolder(path: string): Promise<void> {
    return nodeFileSystem.syncFolder(path);
  }

  private throwIfFailing(path: string, call: string): void {
    const failure = this.failure;
    if (failure?.applies(path)) throw Object.assign(new Error(`${failure.code}: simulated failure, ${call} '${path}'`), { code: failure.code });
  }
}
