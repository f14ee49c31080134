import { renameSync, writeFileSync } from 'node:fs';
import { formatDataSet, temporaryFileOf, type CustomerCheck } from '../store/data-file.js';
import { anonymize } from './anonymizer.js';
import type { Recorder, Recording } from './recorder.js';
import { asError } from '../caught-error.js';

/** How often `--record` rewrites its file while traffic changes it. */
export const RECORD_INTERVAL_MS = 5_000;

export interface RecordFileOptions {
  readonly file: string;
  readonly anonymize: boolean;
  readonly check: CustomerCheck;
  readonly intervalMs?: number;
  /** Told when a periodic write fails (a full disk, a folder gone); the next tick tries again. */
  readonly onError?: (error: Error) => void;
}

/**
 * Writes the recorder's customers to `--record FILE` as a data set (`customers-mock --data FILE`
 * serves it): every few seconds while it changes, and once more on stop. Each write goes to a
 * temporary sibling first and is renamed over the file, so a reader never sees half a data set.
 */
export class RecordFile {
  private writtenVersion = -1;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly recorder: Recorder,
    private readonly options: RecordFileOptions,
  ) {
    this.timer = setInterval(() => {
      if (this.recorder.version === this.writtenVersion) return;
      try {
        this.write();
      } catch (error) {
        this.writtenVersion = -1;
        options.onError?.(asError(error));
      }
    }, options.intervalMs ?? RECORD_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes the recording now; returns what it held and left out. */
  write(): Recording {
    this.writtenVersion = this.recorder.version;
    const recording = this.recorder.recording(this.options.check);
    const customers = this.options.anonymize ? anonymize(recording.customers) : recording.customers;
    const temporary = temporaryFileOf(this.options.file, process.pid);
    writeFileSync(temporary, formatDataSet(customers, true));
    renameSync(temporary, this.options.file);
    return recording;
  }

  /** Stops the periodic writes and writes the last version. */
  stop(): Recording {
    clearInterval(this.timer);
    return this.write();
  }
}
