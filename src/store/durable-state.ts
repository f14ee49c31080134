import { existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Customer } from '../domain/customer.js';
import type { CustomerStore } from './customer-store.js';
import { removeAbandonedTemporaryFiles, temporaryFileOf, type CustomerCheck } from './data-file.js';
import type { FsyncPolicy } from './fsync-policy.js';
import { Journal, type JournalOptions } from './journal.js';
import { applyAt, installSnapshot, isRecord, readSnapshot, writeSnapshot, type LoadedSnapshot } from './snapshot.js';
import { nodeFileSystem, type StateFileSystem } from './state-file-system.js';
import { decodeLine, parseHeader, readLines, StateFileError, type StateRecord } from './state-format.js';
import { CustomerReplay, customerRecord } from './state-records.js';

/** The state folder cannot be written: reported at start, never at the first write. */
export class UnwritableStateError extends Error {
  constructor(folder: string, cause: Error) {
    super(`cannot write the state beside it in ${folder}: ${cause.message}`);
    this.name = 'UnwritableStateError';
  }
}

export interface DurableStateOptions {
  readonly fsync: FsyncPolicy;
  /** Checks each customer of an older single-JSON state file (newer files carry checksums). */
  readonly check: CustomerCheck;
  /** The data set to start from when there is no state yet; made only then. */
  readonly initial: () => Customer[];
  readonly warn: (message: string) => void;
  /** Told before the state is read, with its size in bytes: seconds of silent work at a million. */
  readonly onLoading?: (stateFile: string, bytes: number) => void;
  readonly fileSystem?: StateFileSystem;
}

export interface OpenedState {
  /**
   * What the mock starts with: the loaded state, or the initial data set. Either is free of
   * clashing ids and emails: the state was written by the mock and its checksums hold.
   */
  readonly customers: Customer[];
  readonly loaded: boolean;
  /**
   * Journals every write of `store`, which now holds `customers`, from now on; with no state yet,
   * first saves the store as the first snapshot. Before the mock serves anything.
   */
  readonly attach: (store: CustomerStore) => Promise<DurableState>;
}

/**
 * A compaction starts once the journals since the snapshot outgrow this share of it, so the
 * journals and the snapshot together stay under 1.5 times the snapshot (plus the new snapshot
 * while it is written)...
 */
const COMPACTION_RATIO = 0.5;
/** ...or this many bytes, below which rewriting the snapshot is not worth it. */
const COMPACTION_FLOOR_BYTES = 64 * 1024;

/**
 * `--state FILE`: FILE is the latest snapshot, and `FILE.journal.<generation>` beside it the log
 * of every acknowledged write since. Start-up loads the snapshot and replays the journals; each
 * write's record goes to the journal before the write is acknowledged; snapshots are rewritten in
 * the background once the journal has grown, and the journals they hold are then removed.
 *
 * The API is small: `open` (load, or make the initial data set), `attach` (journal a store's
 * writes), `barrier` (what a response waits for), `compact`, `close`. Records are typed (state-records.ts): another kind
 * of state, such as per-application sandboxes, adds its record types there and its changes
 * through the same journal; the framing, checksums, versions, torn tails and compaction stay as
 * they are. A reader refuses a record type it does not know, so a file with new types needs a
 * newer version of the format (STATE_FORMAT_VERSION) to be told apart from damage.
 */
export class DurableState {
  private compacting: Promise<void> | undefined;
  /** Journal bytes at the last failed compaction: the next waits for as much again. */
  private compactionBase = 0;

  private constructor(
    private readonly stateFile: string,
    private readonly journal: Journal,
    private readonly fileSystem: StateFileSystem,
    private readonly warn: (message: string) => void,
    private snapshotBytes: number,
    private readonly store: CustomerStore,
  ) {
    store.onChange((change) => void this.journal.append(customerRecord.of(change), () => store.revert(change)));
  }

  static async open(stateFile: string, options: DurableStateOptions): Promise<OpenedState> {
    const fileSystem = options.fileSystem ?? nodeFileSystem;
    await assertWritable(fileSystem, stateFile);
    const journals = journalsOf(stateFile);
    if (!existsSync(stateFile)) {
      if (journals.length > 0) {
        throw new StateFileError(journals[0]!.path, 0, `a journal without its snapshot ${stateFile}: restore ${stateFile}, or remove the journal to start afresh`);
      }
      return {
        customers: options.initial(),
        loaded: false,
        attach: async (store) => {
          // From the store, so the snapshot is in list order: the next start's sort is one pass.
          const { bytes } = await saveSnapshot(fileSystem, stateFile, 1, store.snapshot());
          const journal = await Journal.open(stateFile, 1, undefined, journalOptions(fileSystem, options, () => state.compactIfDue()));
          const state = new DurableState(stateFile, journal, fileSystem, options.warn, bytes, store);
          return state;
        },
      };
    }

    options.onLoading?.(stateFile, [stateFile, ...journals.map((journal) => journal.path)].reduce((sum, path) => sum + statSync(path).size, 0));
    const loaded = loadState(stateFile, options.check, journals);
    const { snapshot, replays } = loaded;
    for (const replay of replays) {
      if (replay.tornAt === undefined) continue;
      truncateSync(replay.path, replay.tornAt);
      options.warn(`${replay.path}: cut off a torn record at byte ${replay.tornAt} (${replay.tornBytes} bytes of a write that was never acknowledged)`);
    }
    for (const obsolete of journals.filter((journal) => journal.generation < snapshot.generation)) await fileSystem.remove(obsolete.path);
    removeAbandonedTemporaryFiles(stateFile);

    return {
      customers: loaded.customers,
      loaded: true,
      attach: async (store) => {
        const last = replays.at(-1);
        const generation = last?.generation ?? snapshot.generation;
        const journal = await Journal.open(stateFile, generation, last?.size || undefined, journalOptions(fileSystem, options, () => state.compactIfDue()));
        const state = new DurableState(stateFile, journal, fileSystem, options.warn, statSync(stateFile).size, store);
        // An older state file, or a compaction a crash interrupted: fold it into one snapshot now.
        if (snapshot.legacy || replays.length > 1) setImmediate(() => void state.compact());
        return state;
      },
    };
  }

  /**
   * Settles when every write so far is durable, rejecting with NotSavedError when the latest
   * could not be saved (it was taken back); undefined when nothing is waiting to be written.
   */
  barrier(): Promise<void> | undefined {
    return this.journal.barrier();
  }

  /** Sizes on disk: the snapshot and the journals since it. */
  sizes(): { snapshotBytes: number; journalBytes: number } {
    return { snapshotBytes: this.snapshotBytes, journalBytes: this.journal.bytes };
  }

  /**
   * Writes a snapshot of the store as it is now and removes the journals it holds. Requests go on
   * meanwhile: new writes go to a new journal, which the new snapshot does not need.
   */
  compact(): Promise<void> {
    this.compacting ??= this.writeCompaction().finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  /** Waits for a compaction under way, then writes what is queued and closes the journal. */
  async close(): Promise<void> {
    await this.compacting;
    await this.journal.close();
  }

  private async writeCompaction(): Promise<void> {
    const customers = this.store.snapshot();
    const before = this.journal.barrier();
    const generation = this.journal.rotate();
    let temporary: string | undefined;
    try {
      const written = await writeSnapshot(this.fileSystem, this.stateFile, generation, customers.length, (index) => customerRecord.put(customers[index]!));
      temporary = written.temporary;
      // A write still in flight when the snapshot was taken may yet fail and be taken back; the
      // snapshot, which holds it, must then not replace the journal that does not.
      await before;
      await installSnapshot(this.fileSystem, temporary, this.stateFile);
      temporary = undefined;
      this.snapshotBytes = written.bytes;
      this.compactionBase = 0;
      for (const path of this.journal.release(generation)) await this.fileSystem.remove(path);
    } catch (error) {
      if (temporary !== undefined) await this.fileSystem.remove(temporary);
      this.compactionBase = this.journal.bytes;
      this.warn(`could not write a new snapshot of ${this.stateFile} (${(error as Error).message}); the journal still holds every write`);
    }
  }

  private compactIfDue(): void {
    const threshold = Math.max(COMPACTION_FLOOR_BYTES, this.snapshotBytes * COMPACTION_RATIO);
    if (this.compacting === undefined && this.journal.bytes - this.compactionBase > threshold) void this.compact();
  }
}

interface LoadedState {
  readonly customers: Customer[];
  readonly snapshot: LoadedSnapshot;
  readonly replays: Replay[];
}

/**
 * Reads the state at `stateFile` (the snapshot, then the journals it does not hold) and changes
 * nothing on disk: a file that cannot load is reported, naming it and the byte offset.
 */
export function loadState(stateFile: string, check: CustomerCheck, journals = journalsOf(stateFile)): LoadedState {
  const replay = new CustomerReplay();
  const snapshot = readSnapshot(stateFile, check, (record) => replay.applySnapshotRecord(record));
  const replays = journals
    .filter((journal) => journal.generation >= snapshot.generation)
    .map((journal) => replayJournal(journal.path, journal.generation, (record) => replay.applyJournalRecord(record)));
  return { customers: replay.customers, snapshot, replays };
}

function journalOptions(fileSystem: StateFileSystem, options: DurableStateOptions, afterWrite: () => void): JournalOptions {
  return { fileSystem, fsync: options.fsync, warn: options.warn, afterWrite };
}

/** Creates and removes a file beside the state, as snapshots will: a folder that refuses fails now. */
async function assertWritable(fileSystem: StateFileSystem, stateFile: string): Promise<void> {
  const probe = temporaryFileOf(stateFile, process.pid);
  try {
    await (await fileSystem.open(probe, 'w')).close();
    await fileSystem.remove(probe);
  } catch (error) {
    throw new UnwritableStateError(dirname(stateFile), error as Error);
  }
}

/** The journal files beside the state file, oldest first. */
function journalsOf(stateFile: string): Array<{ generation: number; path: string }> {
  const prefix = `${basename(stateFile)}.journal.`;
  return readdirSync(dirname(stateFile))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ generation: Number(name.slice(prefix.length)), path: join(dirname(stateFile), name) }))
    .sort((a, b) => a.generation - b.generation);
}

interface Replay {
  readonly path: string;
  readonly generation: number;
  /** Bytes of whole records, the header included (0 when even the header was torn). */
  readonly size: number;
  /** Where a torn last record starts, when there is one. */
  readonly tornAt: number | undefined;
  readonly tornBytes: number;
}

/**
 * Replays journal `generation`. A damaged or unfinished record with nothing whole after it is a
 * torn tail (a crash while it was written, so never acknowledged): it is reported for cutting. One
 * with whole records after it is damage, not a crash: an error, since those records were acknowledged.
 */
function replayJournal(path: string, generation: number, apply: (record: StateRecord) => void): Replay {
  let size = 0;
  let tornAt: number | undefined;
  let end = 0;
  for (const line of readLines(path)) {
    end = line.offset + line.bytes.length + (line.complete ? 1 : 0);
    const value = line.complete ? decodeLine(line.bytes) : undefined;
    if (tornAt !== undefined) {
      if (value !== undefined) throw new StateFileError(path, tornAt, 'damaged record with whole records after it: the journal is corrupt, not torn by a crash');
    } else if (line.offset === 0) {
      if (value === undefined) tornAt = 0;
      else if (parseHeader(path, line, 'journal').generation !== generation) throw new StateFileError(path, 0, `its header names another generation than its file name (${generation})`);
    } else if (isRecord(value)) applyAt(path, line.offset, apply, value);
    else tornAt = line.offset;
    if (tornAt === undefined) size = end;
  }
  return { path, generation, size, tornAt, tornBytes: tornAt === undefined ? 0 : end - tornAt };
}

/** Writes a snapshot of `customers` as the state file, before the mock serves anything. */
async function saveSnapshot(fileSystem: StateFileSystem, stateFile: string, generation: number, customers: readonly Customer[]): Promise<{ bytes: number }> {
  const { temporary, bytes } = await writeSnapshot(fileSystem, stateFile, generation, customers.length, (index) => customerRecord.put(customers[index]!));
  await installSnapshot(fileSystem, temporary, stateFile);
  return { bytes };
}
