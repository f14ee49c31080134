import { existsSync } from 'node:fs';
import { temporaryFileOf } from './data-file.js';
import { decodeLine, encodeLine, readLines, STATE_FORMAT, STATE_FORMAT_VERSION } from './state-format.js';
import { writeFully, type StateFileSystem } from './state-file-system.js';
import { asError } from '../caught-error.js';
import { isJsonObject } from '../json-object.js';

/**
 * How far a journal is known to have reached on the disk: `generation`'s journal held at least
 * `bytes` bytes once they were fdatasync'd. A journal found shorter than that was cut or damaged
 * after the fact (a crash cannot take back what the disk had), so it is refused rather than read
 * as a shorter history.
 */
export interface JournalReach {
  readonly generation: number;
  readonly bytes: number;
}

/** `FILE.reached`, beside the state file. */
export function reachFileOf(stateFile: string): string {
  return `${stateFile}.reached`;
}

/**
 * The reach recorded beside `stateFile`; undefined when there is none (a state of an older
 * version) or it cannot be read (a power loss while it was rewritten: it is only a lower bound,
 * so missing it costs the check, never a write).
 */
export function readJournalReach(stateFile: string): JournalReach | undefined {
  const path = reachFileOf(stateFile);
  if (!existsSync(path)) return undefined;
  for (const line of readLines(path)) {
    const value = line.complete ? decodeLine(line.bytes) : undefined;
    if (!isJsonObject(value) || value.format !== STATE_FORMAT) return undefined;
    const { generation, bytes } = value;
    if (typeof generation !== 'number' || typeof bytes !== 'number' || !Number.isInteger(generation) || !Number.isInteger(bytes)) return undefined;
    return { generation, bytes };
  }
  return undefined;
}

/**
 * Records the journal's reach as it grows, after each fdatasync, off the path of any answer: one
 * rewrite at a time, each of the latest reach (rewritten whole and renamed into place, so that a
 * crash leaves the old reach or the new one).
 */
export class JournalReachWriter {
  private latest: JournalReach | undefined;
  private written: JournalReach | undefined;
  private writing: Promise<void> | undefined;
  private failed = false;

  constructor(
    private readonly stateFile: string,
    private readonly fileSystem: StateFileSystem,
    private readonly warn: (message: string) => void,
  ) {}

  /** `generation`'s journal is on the disk up to `bytes`. */
  reached(generation: number, bytes: number): void {
    const latest = this.latest;
    if (latest !== undefined && (latest.generation > generation || (latest.generation === generation && latest.bytes >= bytes))) return;
    this.latest = { generation, bytes };
    this.writing ??= this.writeLatest();
  }

  /** Settles once the latest reach is recorded. */
  async settled(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  private async writeLatest(): Promise<void> {
    while (this.latest !== this.written) {
      const reach = this.latest!;
      try {
        await this.write(reach);
        this.failed = false;
      } catch (error) {
        // The journal itself is fine; only the check at the next start is weaker until this works.
        if (!this.failed) this.warn(`could not record how far the journal reached in ${reachFileOf(this.stateFile)}: ${asError(error).message}`);
        this.failed = true;
      }
      this.written = reach;
    }
    this.writing = undefined;
  }

  private async write(reach: JournalReach): Promise<void> {
    const path = reachFileOf(this.stateFile);
    const temporary = temporaryFileOf(path, process.pid);
    const handle = await this.fileSystem.open(temporary, 'w');
    try {
      await writeFully(handle, Buffer.from(encodeLine({ format: STATE_FORMAT, version: STATE_FORMAT_VERSION, ...reach })), 0);
    } finally {
      await handle.close();
    }
    await this.fileSystem.rename(temporary, path);
  }
}
