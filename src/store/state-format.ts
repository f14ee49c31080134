import { closeSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { CUSTOMER_FIELDS } from '../openapi/contract-facts.generated.js';
import { ITEMS_PER_YIELD, type SlicedWork } from '../domain/slices.js';
import type { FsyncPolicy } from './fsync-policy.js';
import { isJsonObject } from '../json-object.js';

/**
 * The framing shared by the snapshot and the journal of `--state`: one record per line,
 * `<crc32 of the JSON, 8 hex digits> <JSON>\n`. JSON.stringify never writes a raw newline, so a
 * line ends where its record does; the checksum tells a torn or damaged record from a whole one.
 * The first line of each file is its header, which carries the format version.
 */
export const STATE_FORMAT = 'customers-mock-state';
/**
 * 2: records of other applications (`app`) and sandboxes (`sandbox`, `sandbox-delete`).
 * 3: snapshots keep customers as rows, many to a `customers` record (see snapshot.ts).
 * 4: a journal's header names the `--fsync` policy it was written under, and `FILE.reached`
 *    (journal-reach.ts) records how far the journal is known to be on the disk.
 */
export const STATE_FORMAT_VERSION = 4;

export type StateFileKind = 'snapshot' | 'journal';

export interface StateHeader {
  readonly format: typeof STATE_FORMAT;
  readonly version: number;
  readonly kind: StateFileKind;
  /** Snapshot G holds every record of the journals before G; journal G follows snapshot G. */
  readonly generation: number;
  /** Snapshots only: how many records follow the header (each customer row one), so a short file is caught. */
  readonly records?: number;
  /** Snapshots from version 3: the customer field each value of a customer row is. */
  readonly customerFields?: readonly string[];
  /** Journals from version 4: the `--fsync` policy its records were acknowledged under. */
  readonly fsync?: FsyncPolicy;
}

/**
 * One change in the state files, named by its `type`; the other fields are the type's own. New
 * kinds of state (sandboxes, say) add record types; readers refuse a type they do not know.
 */
export interface StateRecord {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A state file that cannot be loaded as it is: names the file and the byte offset of the problem. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file}: ${problem} (at byte ${offset})`);
    this.name = 'StateFileError';
  }
}

export function encodeLine(value: object): string {
  const json = JSON.stringify(value);
  return `${lineStart(crc32(json))}${json}${LINE_END}`;
}

/** What a line holds before its JSON: the JSON's checksum, 8 hex digits, and a space. */
function lineStart(checksum: number): string {
  return `${checksum.toString(16).padStart(8, '0')} `;
}

const LINE_END = '\n';

/**
 * Items in a record's arrays past which its line is worth encoding in slices (`encodingLine`):
 * a thousand customers take a few milliseconds to stringify, checksum and turn into bytes.
 */
const SLICED_ITEMS_MIN = 1000;

/** Whether `record` carries so many items (a sandbox's or a replace's customers) that it is encoded in slices. */
export function isLargeRecord(record: StateRecord): boolean {
  let items = 0;
  for (const value of Object.values(record)) if (Array.isArray(value)) items += value.length;
  return items > SLICED_ITEMS_MIN;
}

/** Characters of JSON turned into bytes and checksummed at a time: well under a millisecond of work. */
const CHUNK_CHARS = 256 * 1024;

/**
 * `encodeLine` of a record, as work in slices (domain/slices.ts) that yields every ITEMS_PER_YIELD
 * items of its arrays, and gives the line's bytes in chunks: the line of a sandbox of 100,000
 * customers is 37 MB, which JSON.stringify, the checksum and the bytes would otherwise make in
 * one piece, holding the event loop for a quarter of a second and more. The bytes are those of
 * `encodeLine(record)`: each field is the JSON.stringify of its value, an array's item by item,
 * and the checksum (zlib's crc32 goes on from where a chunk left it) is put before them at the
 * end. The record's arrays are read as they are when the work is made, not when it runs.
 */
export function encodingLine(record: StateRecord): SlicedWork<Buffer[]> {
  const fields = Object.entries(record).map(([key, value]) => [key, isArray(value) ? [...value] : value] as const);
  return encodingFields(fields);
}

function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/** JSON.stringify, whose type hides that it gives undefined for undefined and functions. */
function stringified(value: unknown): string | undefined {
  const json: string | undefined = JSON.stringify(value);
  return json;
}

function* encodingFields(fields: ReadonlyArray<readonly [string, unknown]>): SlicedWork<Buffer[]> {
  const chunks: Buffer[] = [];
  let checksum = 0;
  let text: string[] = [];
  let length = 0;
  const add = (json: string) => {
    text.push(json);
    length += json.length;
  };
  const endChunk = () => {
    const bytes = Buffer.from(text.join(''));
    checksum = crc32(bytes, checksum);
    chunks.push(bytes);
    text = [];
    length = 0;
  };
  add('{');
  let separator = '';
  for (const [key, value] of fields) {
    if (Array.isArray(value)) {
      add(`${separator}${JSON.stringify(key)}:[`);
      for (let i = 0; i < value.length; i++) {
        // As JSON.stringify writes an array's undefined (or function): null.
        add(`${i === 0 ? '' : ','}${stringified(value[i]) ?? 'null'}`);
        if (length >= CHUNK_CHARS) endChunk();
        if (i % ITEMS_PER_YIELD === ITEMS_PER_YIELD - 1) yield;
      }
      add(']');
    } else {
      const json = stringified(value);
      // A field JSON.stringify leaves out (undefined, a function) is left out here too.
      if (json === undefined) continue;
      add(`${separator}${JSON.stringify(key)}:${json}`);
    }
    separator = ',';
  }
  add('}');
  endChunk();
  return [Buffer.from(lineStart(checksum)), ...chunks, Buffer.from(LINE_END)];
}

const CHECKSUM_LENGTH = 8;

/** The line's value, or undefined when its checksum or JSON is damaged (`bytes` without the newline). */
export function decodeLine(bytes: Buffer): unknown {
  const checksum = checksumOf(bytes);
  if (checksum === undefined) return undefined;
  const json = bytes.subarray(CHECKSUM_LENGTH + 1);
  if (crc32(json) !== checksum) return undefined;
  try {
    return JSON.parse(json.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the file starts the way this framing does (else it may be the older single-JSON state file). */
export function isFramed(start: Buffer): boolean {
  return checksumOf(start) !== undefined;
}

/**
 * The checksum a line starts with (8 lower-case hex digits and a space), read from the bytes
 * directly: a snapshot of a million lines would otherwise make a million short strings to parse.
 */
function checksumOf(bytes: Buffer): number | undefined {
  if (bytes.length <= CHECKSUM_LENGTH || bytes[CHECKSUM_LENGTH] !== SPACE) return undefined;
  let value = 0;
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    const digit = HEX_DIGITS.indexOf(bytes[i]!);
    if (digit === -1) return undefined;
    value = value * 16 + digit;
  }
  return value;
}

const SPACE = 0x20;
const HEX_DIGITS = [...'0123456789abcdef'].map((digit) => digit.charCodeAt(0));

export interface Line {
  /** Byte offset of the line's first byte in the file. */
  readonly offset: number;
  /** The line without its newline; only valid until the next line is read. */
  readonly bytes: Buffer;
  /** False for a last line the file ends in the middle of. */
  readonly complete: boolean;
}

const CHUNK_BYTES = 8 * 1024 * 1024;

/** The file's lines, read in chunks so that a file larger than a string (or memory) still loads. */
export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    // A line longer than a chunk (a large replace record) is gathered in parts, joined once.
    let parts: Buffer[] = [];
    let lineOffset = 0;
    let position = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (read === 0) break;
      position += read;
      let start = 0;
      for (let end = chunk.indexOf(0x0a, start); end !== -1 && end < read; end = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, end);
        const bytes = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
        parts = [];
        yield { offset: lineOffset, bytes, complete: true };
        lineOffset += bytes.length + 1;
        start = end + 1;
      }
      if (start < read) parts.push(Buffer.from(chunk.subarray(start, read)));
    }
    if (parts.length > 0) yield { offset: lineOffset, bytes: Buffer.concat(parts), complete: false };
  } finally {
    closeSync(fd);
  }
}

/**
 * The header of a state file of the expected kind. A file from a newer version is refused by its
 * version, even when the rest of its header (or its framing) is not one this version knows.
 */
export function parseHeader(path: string, line: Line | undefined, kind: StateFileKind): StateHeader {
  const value = line?.complete ? decodeLine(line.bytes) : undefined;
  const header = isJsonObject(value) ? value : undefined;
  const version = header?.version ?? (line === undefined ? undefined : versionReadDespiteDamage(line.bytes));
  if (typeof version === 'number' && version > STATE_FORMAT_VERSION) {
    throw new StateFileError(
      path,
      0,
      `written by a newer customers-mock (state format version ${version}; this one reads version ${STATE_FORMAT_VERSION}): upgrade customers-mock`,
    );
  }
  if (header === undefined || header.format !== STATE_FORMAT || typeof header.version !== 'number') {
    const what = line === undefined || line.bytes.length === 0 ? 'it is empty' : line.complete ? 'its checksum or JSON is wrong' : `it ends after ${line.bytes.length} bytes, inside its header`;
    throw new StateFileError(path, 0, `not a ${kind} of customers-mock: its header is damaged (${what})`);
  }
  if (header.kind !== kind || !Number.isInteger(header.generation) || !hasRowFieldsAsRequired(kind, header.version, header.customerFields)) throw new StateFileError(path, 0, `header does not describe a ${kind}`);
  return value as StateHeader;
}

/** The `version` of a header line whose checksum does not hold: a newer format may frame lines otherwise. */
function versionReadDespiteDamage(bytes: Buffer): number | undefined {
  const found = /"format":"customers-mock-state","version":(\d+)/.exec(bytes.toString('latin1', 0, 200));
  return found === null ? undefined : Number(found[1]);
}

/** A snapshot from version 3 names the fields of its customer rows; no other header does. */
function hasRowFieldsAsRequired(kind: StateFileKind, version: number, fields: unknown): fields is readonly string[] | undefined {
  if (kind !== 'snapshot' || version < 3) return fields === undefined;
  return Array.isArray(fields) && fields.length > 0 && fields.every((field) => typeof field === 'string');
}

/** The header of a file this version writes (`records` for a snapshot, `fsync` for a journal). */
export function headerOf(kind: StateFileKind, generation: number, records?: number, fsync?: FsyncPolicy): StateHeader {
  const base = { format: STATE_FORMAT, version: STATE_FORMAT_VERSION, kind, generation } as const;
  return kind === 'snapshot' ? { ...base, records, customerFields: CUSTOMER_FIELDS } : { ...base, fsync };
}
