// No Node module here: the option table, which the browser engine reads too, lists these.

/**
 * When a write reaches the disk. `always`: its record is written and fdatasync'd before the write
 * is acknowledged (writes that arrive together share one fdatasync). `batch`: its record is
 * written to the journal file (the operating system holds it) before the write is acknowledged,
 * and the file is fdatasync'd every BATCH_SYNC_MS; a crash or kill -9 of the mock loses nothing
 * acknowledged, a power loss or OS crash at most the last BATCH_SYNC_MS of writes.
 */
export type FsyncPolicy = 'always' | 'batch';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'batch'];
export const BATCH_SYNC_MS = 100;
/** A crash of the mock loses nothing acknowledged; only a power loss can cost the last moments. */
export const DEFAULT_FSYNC: FsyncPolicy = 'batch';

/** What each policy promises about an answered write, in the words the banner and the warnings use. */
export const FSYNC_PROMISES: Readonly<Record<FsyncPolicy, string>> = {
  batch: `an answered write survives a kill -9 or crash of the mock, not a power loss or OS crash (which can lose the last ${BATCH_SYNC_MS} ms of answered writes; --fsync always waits for the disk)`,
  always: 'an answered write is on the disk: it survives a kill -9, a crash, a power loss and an OS crash',
};
