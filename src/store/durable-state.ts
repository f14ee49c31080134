import { existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { asError } from '../caught-error.js';
import type { Customer } from '../domain/customer.js';
import { removeAbandonedTemporaryFiles, temporaryFileOf, type CustomerCheck } from './data-file.js';
import { FSYNC_PROMISES, type FsyncPolicy } from './fsync-policy.js';
import { Journal, journalPath, type JournalOptions } from './journal.js';
import { JournalReachWriter, reachFileOf, readJournalReach, type JournalReach } from './journal-reach.js';
import { applyAt, installSnapshot, isRecord, readSnapshot, writeSnapshot, type LoadedSnapshot } from './snapshot.js';
import { nodeFileSystem, type StateFileSystem } from './state-file-system.js';
import { StateLock } from './state-lock.js';
import { decodeLine, parseHeader, readLines, StateFileError, type StateRecord } from './state-format.js';
import {
  ApplicationsReplay,
  recordOf,
  snapshotRecords,
  type ApplicationChange,
  type ApplicationContents,
  type SandboxIdentity,
  type SnapshotRecords,
} from './state-records.js';

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
  /** A change carrying more customers is saved as a snapshot (default JOURNALED_CUSTOMERS_MAX). */
  readonly journaledCustomersMax?: number;
}

/** An application other than the mock's own, as the state holds it: a configured one's customers, or a sandbox. */
export interface LoadedApplication {
  readonly clientKey: string;
  /** Set for a sandbox; undefined for an application of the config file. */
  readonly sandbox: SandboxIdentity | undefined;
  readonly customers: Customer[];
}

/**
 * Settles once every write made so far is durable, rejecting with NotSavedError when the latest
 * could not be saved (it was taken back); undefined when nothing is waiting to be written, as
 * always without `--state`. `DurableState.barrier` is the one the Node server uses.
 */
export type WhenDurable = () => Promise<void> | undefined;

/**
 * The applications of a running mock, as `--state` journals them: it is told of every change
 * (with how to take it back when its record cannot be written), and asked for everything for a
 * snapshot. `Applications` (tenancy/applications.ts) is one.
 */
export interface JournaledApplications {
  onChange(listener: (change: ApplicationChange, revert: () => void) => void): void;
  /** Every application's customers now, the mock's own first. */
  contents(): ApplicationContents[];
}

export interface OpenedState {
  /**
   * What the mock's own application starts with: the loaded state, or the initial data set.
   * Either is free of clashing ids and emails: the state was written by the mock and its
   * checksums hold.
   */
  readonly customers: Customer[];
  /** The other applications the state holds (none when there was no state yet). */
  readonly applications: LoadedApplication[];
  readonly loaded: boolean;
  /**
   * Journals every change of `applications`, which now hold what was loaded, from now on; with no
   * state yet, first saves them as the first snapshot. Before the mock serves anything.
   */
  readonly attach: (applications: JournaledApplications) => Promise<DurableState>;
  /** Gives the state up without attaching (the mock could not be made): its lock is released. */
  readonly abandon: () => void;
}

/**
 * A compaction starts once the journals since the snapshot outgrow this share of it, so the
 * journals and the snapshot together stay under 1.5 times the snapshot (plus the new snapshot
 * while it is written)...
 */
const COMPACTION_RATIO = 0.5;
/** ...or this many bytes, below which rewriting the snapshot is not worth it. */
const COMPACTION_FLOOR_BYTES = 64 * 1024;

/** A change carrying more customers than this (about 40 MB of record) is saved as a snapshot. */
const JOURNALED_CUSTOMERS_MAX = 100_000;

function customersCarried(change: ApplicationChange): number {
  if (change.kind === 'sandbox-created') return change.customers.length;
  if (change.kind === 'customers' && change.change.kind === 'replace') return change.change.customers.length;
  return 0;
}

/**
 * `--state FILE`: FILE is the latest snapshot, and `FILE.journal.<generation>` beside it the log
 * of every acknowledged write since. Start-up loads the snapshot and replays the journals; each
 * write's record goes to the journal before the write is acknowledged; snapshots are rewritten in
 * the background once the journal has grown, and the journals they hold are then removed.
 *
 * The API is small: `open` (load, or make the initial data set), `attach` (journal the
 * applications' writes), `barrier` (what a response waits for), `compact`, `close`. Records are
 * typed (state-records.ts): another kind of state adds its record types there and its changes
 * through the same journal, as the config file's applications and sandboxes did; the framing,
 * checksums, versions, torn tails and compaction stay as they are. A reader refuses a record type
 * it does not know, so a file with new types needs a newer version of the format
 * (STATE_FORMAT_VERSION) to be told apart from damage.
 */
export class DurableState {
  private compacting: Promise<void> | undefined;
  /** Journal bytes at the last failed compaction: the next waits for as much again. */
  private compactionBase = 0;

  private constructor(
    private readonly stateFile: string,
    private readonly journal: Journal,
    private readonly fileSystem: StateFileSystem,
    private readonly options: DurableStateOptions,
    private snapshotBytes: number,
    private readonly applications: JournaledApplications,
    private readonly lock: StateLock,
    private readonly reach: JournalReachWriter,
    /** Client keys of the applications the loaded state holds. */
    stored: ReadonlySet<string>,
  ) {
    // An application the state does not hold yet (one the config file just gained) has its data
    // set journaled first, so that its later writes replay onto it.
    for (const application of applications.contents()) {
      const { clientKey } = application;
      if (clientKey === undefined || stored.has(clientKey)) continue;
      this.save({ kind: 'customers', clientKey, change: { kind: 'replace', customers: application.customers() } }, () => {});
    }
    applications.onChange((change, revert) => this.save(change, revert));
  }

  /**
   * Journals the change; one that carries a whole large data set (a reset or replace at a million
   * customers) is saved as a new snapshot instead, since its record would be hundreds of
   * megabytes on one line (past the longest string a JavaScript engine holds at about 1.3
   * million customers) and would stay in the journal until the next compaction.
   */
  private save(change: ApplicationChange, revert: () => void): void {
    if (customersCarried(change) <= (this.options.journaledCustomersMax ?? JOURNALED_CUSTOMERS_MAX)) {
      void this.journal.append(recordOf(change), revert);
      return;
    }
    // Taken now: later writes go to the new generation's journal, which this snapshot must not hold.
    const records = snapshotRecords(this.applications.contents());
    const before = this.journal.barrier();
    void this.journal.appendGate((generation) => this.serialized(() => this.writeGeneration(generation, records, before)), revert);
  }

  static async open(stateFile: string, options: DurableStateOptions): Promise<OpenedState> {
    const fileSystem = options.fileSystem ?? nodeFileSystem;
    await assertWritable(fileSystem, stateFile);
    const lock = await StateLock.acquire(stateFile, options.warn);
    try {
      return await DurableState.openLocked(stateFile, options, fileSystem, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** `open`, once this process holds the state's lock: released when attaching fails, or at `close`. */
  private static async openLocked(stateFile: string, options: DurableStateOptions, fileSystem: StateFileSystem, lock: StateLock): Promise<OpenedState> {
    const journals = journalsOf(stateFile);
    if (!existsSync(stateFile)) {
      if (journals.length > 0) {
        throw new StateFileError(journals[0]!.path, 0, `a journal without its snapshot ${stateFile}: restore ${stateFile}, or remove the journal to start afresh`);
      }
      return {
        customers: options.initial(),
        applications: [],
        loaded: false,
        abandon: () => lock.release(),
        attach: releasingOnFailure(lock, async (applications) => {
          // From the stores, so the snapshot is in list order: the next start's sort is one pass.
          const { bytes } = await saveSnapshot(fileSystem, stateFile, 1, applications.contents());
          const reach = new JournalReachWriter(stateFile, fileSystem, options.warn);
          const journal = await Journal.open(stateFile, 1, undefined, journalOptions(fileSystem, options, reach, () => state.compactIfDue()));
          const state = new DurableState(stateFile, journal, fileSystem, options, bytes, applications, lock, reach, new Set(applications.contents().flatMap(({ clientKey }) => clientKey ?? [])));
          return state;
        }),
      };
    }

    options.onLoading?.(stateFile, [stateFile, ...journals.map((journal) => journal.path)].reduce((sum, path) => sum + statSync(path).size, 0));
    const loaded = loadState(stateFile, options.check, journals);
    const { snapshot, replays } = loaded;
    for (const replay of replays) {
      if (replay.tornAt === undefined) continue;
      truncateSync(replay.path, replay.tornAt);
      options.warn(`${replay.path}: cut off a torn record at byte ${replay.tornAt} (${replay.tornBytes} bytes): ${tornRecordMeaning(replay.fsync)}`);
    }
    for (const obsolete of journals.filter((journal) => journal.generation < snapshot.generation)) await fileSystem.remove(obsolete.path);
    removeAbandonedTemporaryFiles(stateFile);

    const stored = new Set(loaded.applications.map((application) => application.clientKey));
    return {
      customers: loaded.customers,
      applications: loaded.applications,
      loaded: true,
      abandon: () => lock.release(),
      attach: releasingOnFailure(lock, async (applications) => {
        const last = replays.at(-1);
        const generation = last?.generation ?? snapshot.generation;
        const reach = new JournalReachWriter(stateFile, fileSystem, options.warn);
        const journal = await Journal.open(stateFile, generation, last?.size, journalOptions(fileSystem, options, reach, () => state.compactIfDue()));
        const state = new DurableState(stateFile, journal, fileSystem, options, statSync(stateFile).size, applications, lock, reach, stored);
        // An older state file (or one holding sandbox secrets in clear), or a compaction a crash
        // interrupted: fold it into one snapshot now.
        if (snapshot.legacy || replays.length > 1 || loaded.secretsInClear) setImmediate(() => void state.compact());
        return state;
      }),
    };
  }

  /** What a write's response waits for: see WhenDurable. */
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
    if (this.compacting === undefined) void this.serialized(() => this.writeCompaction());
    return this.compacting!;
  }

  /** Waits for a compaction under way, then writes what is queued and closes the journal. */
  async close(): Promise<void> {
    await this.compacting;
    try {
      await this.journal.close();
      await this.reach.settled();
    } finally {
      this.lock.release();
    }
  }

  /** Runs `write` after the snapshot being written, if any: two at once could install out of order. */
  private serialized(write: () => Promise<void>): Promise<void> {
    const written = (this.compacting ?? Promise.resolve()).then(write);
    const settled: Promise<void> = written
      .catch(() => {})
      .then(() => {
        if (this.compacting === settled) this.compacting = undefined;
      });
    this.compacting = settled;
    return written;
  }

  private async writeCompaction(): Promise<void> {
    const records = snapshotRecords(this.applications.contents());
    const before = this.journal.barrier();
    try {
      await this.writeGeneration(this.journal.rotate(), records, before);
      this.compactionBase = 0;
    } catch (error) {
      this.compactionBase = this.journal.bytes;
      this.options.warn(`could not write a new snapshot of ${this.stateFile} (${asError(error).message}); the journal still holds every write`);
    }
  }

  /**
   * Writes `records` as snapshot `generation`, installs it once the writes before it (`before`)
   * are written, and removes the journals it holds. A write still in flight when the records were
   * taken may yet fail and be taken back; the snapshot, which holds it, must then not replace the
   * journal that does not.
   */
  private async writeGeneration(generation: number, records: SnapshotRecords, before: Promise<void> | undefined): Promise<void> {
    const written = await writeSnapshot(this.fileSystem, this.stateFile, generation, records.count, records.recordAt);
    try {
      await before;
      await installSnapshot(this.fileSystem, written.temporary, this.stateFile);
    } catch (error) {
      await this.fileSystem.remove(written.temporary);
      throw error;
    }
    this.snapshotBytes = written.bytes;
    for (const path of this.journal.release(generation)) await this.fileSystem.remove(path);
  }

  private compactIfDue(): void {
    const threshold = Math.max(COMPACTION_FLOOR_BYTES, this.snapshotBytes * COMPACTION_RATIO);
    if (this.compacting === undefined && this.journal.bytes - this.compactionBase > threshold) void this.compact();
  }
}

interface LoadedState {
  readonly customers: Customer[];
  readonly applications: LoadedApplication[];
  readonly snapshot: LoadedSnapshot;
  readonly replays: Replay[];
  /** A sandbox's secret was in clear (files before version 4). */
  readonly secretsInClear: boolean;
}

/**
 * Reads the state at `stateFile` (the snapshot, then the journals it does not hold) and changes
 * nothing on disk: a file that cannot load is reported, naming it and the byte offset.
 */
export function loadState(stateFile: string, check: CustomerCheck, journals = journalsOf(stateFile)): LoadedState {
  const replay = new ApplicationsReplay();
  const snapshot = readSnapshot(stateFile, check, (record) => replay.applySnapshotRecord(record));
  const reach = readJournalReach(stateFile);
  const replayed = journals.filter((journal) => journal.generation >= snapshot.generation);
  if (reach !== undefined && reach.generation >= snapshot.generation && !replayed.some((journal) => journal.generation === reach.generation)) {
    throw new StateFileError(
      journalPath(stateFile, reach.generation),
      0,
      `missing, but it was on the disk with ${reach.bytes} bytes (${reachFileOf(stateFile)} says so): restore it, or remove ${reachFileOf(stateFile)} to start without the writes it held`,
    );
  }
  const replays = replayed.map((journal) =>
    replayJournal(stateFile, journal, reach?.generation === journal.generation ? reach : undefined, (record) => replay.applyJournalRecord(record)),
  );
  const applications = [...replay.others].map(([clientKey, { sandbox, replay: customers }]) => ({ clientKey, sandbox, customers: customers.customers }));
  return { customers: replay.own.customers, applications, snapshot, replays, secretsInClear: replay.secretsInClear };
}

/** `attach`, giving the state's lock up when it fails: no process would hold the state then. */
function releasingOnFailure(lock: StateLock, attach: OpenedState['attach']): OpenedState['attach'] {
  return async (applications) => {
    try {
      return await attach(applications);
    } catch (error) {
      lock.release();
      throw error;
    }
  };
}

function journalOptions(fileSystem: StateFileSystem, options: DurableStateOptions, reach: JournalReachWriter, afterWrite: () => void): JournalOptions {
  return { fileSystem, fsync: options.fsync, warn: options.warn, afterWrite, onDurable: (generation, bytes) => reach.reached(generation, bytes) };
}

/** What a torn last record means, by the policy its journal was written under (unknown before version 4). */
function tornRecordMeaning(fsync: FsyncPolicy | undefined): string {
  if (fsync === 'always') return 'a write that was never answered (--fsync always answers a write once it is on the disk)';
  const policy = fsync === 'batch' ? '' : ' (if the journal was written under --fsync batch)';
  return `a write a crash interrupted before it was answered; after a power loss or OS crash, it may be one answered in the last moments${policy}: ${FSYNC_PROMISES.batch}`;
}

/** Creates and removes a file beside the state, as snapshots will: a folder that refuses fails now. */
async function assertWritable(fileSystem: StateFileSystem, stateFile: string): Promise<void> {
  const probe = temporaryFileOf(stateFile, process.pid);
  try {
    await (await fileSystem.open(probe, 'w')).close();
    await fileSystem.remove(probe);
  } catch (error) {
    throw new UnwritableStateError(dirname(stateFile), asError(error));
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
  /** The policy the journal was written under (from its header; undefined before version 4). */
  readonly fsync: FsyncPolicy | undefined;
  /** Bytes of whole records, the header included (0 when even the header was torn). */
  readonly size: number;
  /** Where a torn last record starts, when there is one. */
  readonly tornAt: number | undefined;
  readonly tornBytes: number;
}

/**
 * Replays journal `generation`. A damaged or unfinished record with nothing whole after it is a
 * torn tail (a crash while it was written): it is reported for cutting. One with whole records
 * after it is damage, not a crash: an error, since those records were acknowledged. So is a
 * damaged header (a journal takes its name only once its header is on the disk), and a journal
 * whose whole records end short of the `reach` it was known to have on the disk: it was cut, and
 * replaying it would silently drop acknowledged writes.
 */
function replayJournal(stateFile: string, { path, generation }: { path: string; generation: number }, reach: JournalReach | undefined, apply: (record: StateRecord) => void): Replay {
  let size = 0;
  let tornAt: number | undefined;
  let end = 0;
  let fsync: FsyncPolicy | undefined;
  for (const line of readLines(path)) {
    end = line.offset + line.bytes.length + (line.complete ? 1 : 0);
    const value = line.complete ? decodeLine(line.bytes) : undefined;
    if (line.offset === 0) {
      const header = parseHeader(path, line, 'journal');
      if (header.generation !== generation) throw new StateFileError(path, 0, `its header names another generation than its file name (${generation})`);
      fsync = header.fsync;
    } else if (tornAt !== undefined) {
      if (value !== undefined) throw new StateFileError(path, tornAt, 'damaged record with whole records after it: the journal is corrupt, not torn by a crash');
    } else if (isRecord(value)) applyAt(path, line.offset, apply, value);
    else tornAt = line.offset;
    if (tornAt === undefined) size = end;
  }
  if (size === 0) parseHeader(path, undefined, 'journal');
  if (reach !== undefined && size < reach.bytes) {
    throw new StateFileError(
      path,
      size,
      `${tornAt === undefined ? 'the journal ends here' : 'a damaged record starts here'}, short of the ${reach.bytes} bytes it was known to hold on the disk: it was cut or damaged after it was written, which no crash does, and acknowledged writes would be lost (restore the journal; or remove ${reachFileOf(stateFile)} to start from what is left)`,
    );
  }
  return { path, generation, fsync, size, tornAt, tornBytes: tornAt === undefined ? 0 : end - tornAt };
}

/** Writes a snapshot of `applications` as the state file, before the mock serves anything. */
async function saveSnapshot(fileSystem: StateFileSystem, stateFile: string, generation: number, applications: readonly ApplicationContents[]): Promise<{ bytes: number }> {
  const { count, recordAt } = snapshotRecords(applications);
  const { temporary, bytes } = await writeSnapshot(fileSystem, stateFile, generation, count, recordAt);
  await installSnapshot(fileSystem, temporary, stateFile);
  return { bytes };
}
