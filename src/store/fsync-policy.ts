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
