import { writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';

/** An open file of the state: the few calls the journal and the snapshot writer make. */
export interface StateFileHandle {
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /**
   * `write` on the calling thread; returns the bytes written. For the journal's batches: a few
   * hundred bytes into the page cache take less than handing them to the thread pool and back.
   */
  writeSync(buffer: Buffer, offset: number, length: number, position: number): number;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every way `--state` changes the disk after start-up goes through this, so that a test can make
 * it fail as a full disk does (ENOSPC) and see that no acknowledged write is lost and no
 * unacknowledged one is kept.
 */
export interface StateFileSystem {
  /** `w` creates or empties the file; `r+` opens an existing one for writing. */
  open(path: string, flags: 'w' | 'r+'): Promise<StateFileHandle>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Flushes a folder, so that a file created or renamed in it survives a power loss. */
  syncFolder(path: string): Promise<void>;
}

export const nodeFileSystem: StateFileSystem = {
  async open(path, flags) {
    const handle = await open(path, flags);
    return {
      write: (buffer, offset, length, position) => handle.write(buffer, offset, length, position),
      writeSync: (buffer, offset, length, position) => writeSync(handle.fd, buffer, offset, length, position),
      datasync: () => handle.datasync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  },
  rename,
  remove: (path) => rm(path, { force: true }),
  async syncFolder(path) {
    const folder = await open(path, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  },
};

/** Writes all of `bytes` at `position`: a short write (a disk filling up) continues, an error throws. */
export async function writeFully(handle: StateFileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let written = 0; written < bytes.length; ) written += wrote((await handle.write(bytes, written, bytes.length - written, position + written)).bytesWritten);
}

/** `writeFully` on the calling thread. */
export function writeFullySync(handle: StateFileHandle, bytes: Buffer, position: number): void {
  for (let written = 0; written < bytes.length; ) written += wrote(handle.writeSync(bytes, written, bytes.length - written, position + written));
}

/** What one write wrote; none at all is a full disk. */
function wrote(bytesWritten: number): number {
  if (bytesWritten === 0) throw Object.assign(new Error('no space left on device (a write wrote nothing)'), { code: 'ENOSPC' });
  return bytesWritten;
}
