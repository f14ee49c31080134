import { dirname } from 'node:path';
import { asError, errorCode } from '../caught-error.js';
import { temporaryFileOf } from './data-file.js';
import { NotSavedError } from '../domain/errors.js';
import { BATCH_SYNC_MS, type FsyncPolicy } from './fsync-policy.js';
import { runInSlices } from '../domain/slices.js';
import { encodeLine, encodingLine, headerOf, isLargeRecord, type StateRecord } from './state-format.js';
import { writeFully, writeFullySync, type StateFileHandle, type StateFileSystem } from './state-file-system.js';

/** Bytes of a batch written on the event loop's thread: a megabyte goes to the page cache in well under a millisecond. */
const SYNC_WRITE_MAX_BYTES = 1024 * 1024;

export function journalPath(stateFile: string, generation: number): string {
  return `${stateFile}.journal.${generation}`;
}

interface OpenJournal {
  readonly generation: number;
  readonly handle: StateFileHandle;
  /** Bytes of whole records: where the next batch goes, and what a failed batch is cut back to. */
  size: number;
}

interface Pending {
  /**
   * What is written: the record's line; a large record's line, encoded in slices, as the chunks it
   * settles to; nothing for a gate, whose change is saved elsewhere (see `appendGate`).
   */
  readonly line: string | Promise<readonly Buffer[]> | undefined;
  /** Settles when a gate's change is saved; rejects when it cannot be. */
  readonly gate?: Promise<void>;
  readonly generation: number;
  /** Takes the change back out of memory when its record cannot be written. */
  readonly revert: () => void;
  readonly written: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export interface JournalOptions {
  readonly fileSystem: StateFileSystem;
  readonly fsync: FsyncPolicy;
  /** Told of every failure to write, for the terminal. */
  readonly warn: (message: string) => void;
  /** Called after each batch is written. */
  readonly afterWrite?: () => void;
  /** Told, after each fdatasync, that journal `generation` is on the disk up to `bytes`. */
  readonly onDurable?: (generation: number, bytes: number) => void;
}

/**
 * The append-only log of `--state`: each acknowledged write is one record. Records appended
 * within one turn of the event loop are written together (group commit); a large one (a
 * sandbox's customers) is encoded and written in slices, and the records after it wait for it.
 * When a batch cannot be written (a full disk), the file is cut back to its last whole record and
 * that batch and every record after it are taken back out of memory, newest first, and their
 * writers told: from a client's point of view a write and its record happen together or not at all.
 */
export class Journal {
  private pending: Pending[] = [];
  private flushing = false;
  private idle: Promise<void> = Promise.resolve();
  private finishIdle: () => void = () => {};
  /** Set when a failed batch could not be cut off: the next batch first tries again. */
  private damaged = false;
  private unsynced = false;
  private readonly syncTimer: NodeJS.Timeout | undefined;
  private appendGeneration: number;
  /** Bytes of each journal file the latest snapshot does not yet hold. */
  private readonly sizes = new Map<number, number>();

  private constructor(
    private readonly stateFile: string,
    private file: OpenJournal,
    private readonly options: JournalOptions,
  ) {
    this.appendGeneration = file.generation;
    this.sizes.set(file.generation, file.size);
    if (options.fsync === 'batch') {
      this.syncTimer = setInterval(() => void this.syncBatch(), BATCH_SYNC_MS);
      this.syncTimer.unref();
    }
  }

  /** Opens journal `generation` to append after its first `size` bytes, or creates it when `size` is undefined. */
  static async open(stateFile: string, generation: number, size: number | undefined, options: JournalOptions): Promise<Journal> {
    const file = size === undefined ? await createJournal(stateFile, generation, options) : { generation, handle: await options.fileSystem.open(journalPath(stateFile, generation), 'r+'), size };
    return new Journal(stateFile, file, options);
  }

  /** The generation new records go to. */
  get generation(): number {
    return this.appendGeneration;
  }

  /** Bytes in the journal files since the latest snapshot. */
  get bytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  /**
   * Queues the record; the promise settles once it is written (per the fsync policy) or taken back.
   * A large record (a sandbox's or a replace's customers) is encoded in slices from now on, so that
   * other requests are answered meanwhile; the records queued after it wait for it, in order.
   */
  append(record: StateRecord, revert: () => void): Promise<void> {
    if (!isLargeRecord(record)) return this.enqueue(encodeLine(record), undefined, revert);
    const encoded = runInSlices(encodingLine(record));
    // Its failure reaches the writers through the entry's promise, once the queue gets to it.
    encoded.catch(() => {});
    return this.enqueue(encoded, undefined, revert);
  }

  /**
   * Queues a change saved outside the journal: `save` writes a snapshot of the state right after
   * it, as the generation this starts. The change is acknowledged once `save` settles, and every
   * record queued after it waits for it, so that no later write is acknowledged on a state a crash
   * could still undo. When `save` fails, the change and every write after it are taken back, as
   * for a record that cannot be written.
   */
  appendGate(save: (generation: number) => Promise<void>, revert: () => void): Promise<void> {
    const saved = save(this.rotate());
    // Its failure reaches the writers through the entry's promise, once the queue gets to it.
    saved.catch(() => {});
    return this.enqueue(undefined, saved, revert);
  }

  private enqueue(line: Pending['line'], gate: Promise<void> | undefined, revert: () => void): Promise<void> {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const written = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Whoever waits on a write handles its failure; nobody may be waiting on one taken back.
    written.catch(() => {});
    this.pending.push({ line, gate, generation: this.appendGeneration, revert, written, resolve, reject });
    if (!this.flushing) {
      this.flushing = true;
      this.idle = new Promise((res) => (this.finishIdle = res));
      // One turn later, so that the writes of requests that arrived together share a batch.
      setImmediate(() => void this.flush());
    }
    return written;
  }

  /**
   * Settles when every record appended so far is written, and rejects when one of them was taken
   * back; undefined when none is waiting. Called right after a write, it is that write's promise.
   */
  barrier(): Promise<void> | undefined {
    return this.pending.at(-1)?.written;
  }

  /** Records appended from now on go to a new journal file; returns its generation. */
  rotate(): number {
    this.appendGeneration++;
    this.sizes.set(this.appendGeneration, 0);
    return this.appendGeneration;
  }

  /** Forgets the journal files before `generation`, which a snapshot now holds; returns their names. */
  release(generation: number): string[] {
    const released: string[] = [];
    for (const older of this.sizes.keys()) {
      if (older >= generation) continue;
      this.sizes.delete(older);
      released.push(journalPath(this.stateFile, older));
    }
    return released;
  }

  /** Writes what is queued, flushes it to the disk and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.syncTimer);
    await this.idle;
    try {
      await this.file.handle.datasync();
      this.options.onDurable?.(this.file.generation, this.file.size);
    } finally {
      await this.file.handle.close();
    }
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      try {
        if (this.damaged) {
          await this.file.handle.truncate(this.file.size);
          this.damaged = false;
        }
        if (this.pending[0]!.generation !== this.file.generation) await this.switchTo(this.pending[0]!.generation);
        const gate = this.pending[0]!.gate;
        if (gate !== undefined) {
          await gate;
          this.pending.shift()!.resolve();
          continue;
        }
        const { batch, chunks } = await this.nextBatch();
        const bytes = await this.writeAtEnd(chunks);
        if (this.options.fsync === 'always') await this.file.handle.datasync();
        else this.unsynced = true;
        this.file.size += bytes;
        this.sizes.set(this.file.generation, this.file.size);
        if (this.options.fsync === 'always') this.options.onDurable?.(this.file.generation, this.file.size);
        this.pending.splice(0, batch.length);
        for (const entry of batch) entry.resolve();
      } catch (error) {
        await this.takeBackPending(error);
      }
    }
    this.flushing = false;
    this.finishIdle();
    this.options.afterWrite?.();
  }

  /**
   * The records written next, and their bytes: a large record alone, once encoded; else the
   * records queued up to the next large record or gate, or the next generation, together.
   */
  private async nextBatch(): Promise<{ batch: Pending[]; chunks: readonly Buffer[] }> {
    const { line } = this.pending[0]!;
    if (line instanceof Promise) return { batch: this.pending.slice(0, 1), chunks: await line };
    const lines: string[] = [];
    for (const entry of this.pending) {
      if (entry.generation !== this.file.generation || typeof entry.line !== 'string') break;
      lines.push(entry.line);
    }
    return { batch: this.pending.slice(0, lines.length), chunks: [Buffer.from(lines.join(''))] };
  }

  /**
   * Writes `chunks` after the journal's whole records and returns how many bytes they hold. A batch
   * of a few records is written on this thread, as Redis writes its append-only file: it goes to
   * the page cache in microseconds, and the fdatasync (per --fsync) is what may be slow. A large
   * one (a sandbox's record is tens of megabytes) goes through the thread pool, chunk by chunk,
   * so that the event loop is free meanwhile.
   */
  private async writeAtEnd(chunks: readonly Buffer[]): Promise<number> {
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    let position = this.file.size;
    for (const chunk of chunks) {
      if (bytes <= SYNC_WRITE_MAX_BYTES) writeFullySync(this.file.handle, chunk, position);
      else await writeFully(this.file.handle, chunk, position);
      position += chunk.length;
    }
    return bytes;
  }

  private async takeBackPending(error: unknown): Promise<void> {
    try {
      await this.file.handle.truncate(this.file.size);
    } catch {
      this.damaged = true;
    }
    const failed = this.pending;
    this.pending = [];
    for (let i = failed.length - 1; i >= 0; i--) failed[i]!.revert();
    const notSaved = new NotSavedError(errorCode(error) ?? 'EIO', asError(error).message);
    this.options.warn(`${notSaved.message} (${failed.length} write${failed.length === 1 ? '' : 's'} refused with 503)`);
    for (const entry of failed) entry.reject(notSaved);
  }

  private async switchTo(generation: number): Promise<void> {
    const next = await createJournal(this.stateFile, generation, this.options);
    const previous = this.file;
    this.file = next;
    this.unsynced = false;
    try {
      await previous.handle.datasync();
    } finally {
      await previous.handle.close();
    }
  }

  private async syncBatch(): Promise<void> {
    if (!this.unsynced) return;
    this.unsynced = false;
    // What is written now; a batch written during the fdatasync is the next one's.
    const { generation, size } = this.file;
    try {
      await this.file.handle.datasync();
      if (this.file.generation === generation) this.options.onDurable?.(generation, size);
    } catch (error) {
      this.options.warn(`could not flush ${journalPath(this.stateFile, this.file.generation)} to the disk: ${asError(error).message}`);
    }
  }
}

/**
 * Creates journal `generation` holding its header, written whole before it takes the journal's
 * name: a crash leaves no journal with a torn header, so a damaged header is always damage.
 */
async function createJournal(stateFile: string, generation: number, options: JournalOptions): Promise<OpenJournal> {
  const { fileSystem } = options;
  const path = journalPath(stateFile, generation);
  const temporary = temporaryFileOf(path, process.pid);
  const header = Buffer.from(encodeLine(headerOf('journal', generation, undefined, options.fsync)));
  let handle = await fileSystem.open(temporary, 'w');
  try {
    await writeFully(handle, header, 0);
    await handle.datasync();
    await handle.close();
    await fileSystem.rename(temporary, path);
    await fileSystem.syncFolder(dirname(path));
    handle = await fileSystem.open(path, 'r+');
  } catch (error) {
    await handle.close().catch(() => {});
    await fileSystem.remove(temporary);
    throw error;
  }
  options.onDurable?.(generation, header.length);
  return { generation, handle, size: header.length };
}
