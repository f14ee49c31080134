import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runAll, runInSlices } from '../../src/domain/slices.js';
import { decodeLine, encodeLine, encodingLine, isFramed, readLines, type StateRecord } from '../../src/store/state-format.js';
import { aCustomer } from '../support/customers.js';

const folder = mkdtempSync(join(tmpdir(), 'state-format-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the state files framing', () => {
  it('reads back what it wrote, one line a record, and refuses a line with any byte changed', () => {
    const line = encodeLine({ type: 'put', text: 'multi\nline ünïcode' });
    expect(line).toMatch(/^[0-9a-f]{8} \{.*\}\n$/);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const bytes = Buffer.from(line.slice(0, -1));
    expect(decodeLine(bytes)).toEqual({ type: 'put', text: 'multi\nline ünïcode' });
    for (const at of [0, 9, 20, bytes.length - 1]) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x01;
      expect(decodeLine(damaged), `byte ${at} changed`).toBeUndefined();
    }
    expect(decodeLine(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(isFramed(bytes)).toBe(true);
    expect(isFramed(Buffer.from('[{"id":"x"}]'))).toBe(false);
  });

  it('gives each line with its byte offset, a line longer than a read chunk whole, and marks an unfinished last line', () => {
    const long = 'x'.repeat(9 * 1024 * 1024);
    const path = join(folder, 'lines');
    writeFileSync(path, `first\n${long}\nthird\nunfinished`);
    const lines = [];
    // Each line's bytes are only good until the next is read.
    for (const line of readLines(path)) lines.push({ offset: line.offset, length: line.bytes.length, start: line.bytes.toString('utf8', 0, 5), complete: line.complete });
    expect(lines).toEqual([
      { offset: 0, length: 5, start: 'first', complete: true },
      { offset: 6, length: long.length, start: 'xxxxx', complete: true },
      { offset: 7 + long.length, length: 5, start: 'third', complete: true },
      { offset: 13 + long.length, length: 10, start: 'unfin', complete: false },
    ]);
  });
});

/** The line's bytes without its newline, as `readLines` hands them to `decodeLine`. */
function withoutNewline(line: Buffer): Buffer {
  expect(line.at(-1)).toBe(0x0a);
  return line.subarray(0, -1);
}

/** Strings JSON writes escaped or in several bytes: quotes, backslashes, controls, line separators, lone surrogates, emoji. */
const awkwardString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\u2029', '\ud800', '\udfff', 'é', '😀', 'a') }),
);
const item = fc.oneof(
  awkwardString,
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  // JSON.stringify writes an undefined item as null, and leaves an undefined field out.
  fc.constant(undefined),
  fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }),
  fc.dictionary(awkwardString, fc.oneof(awkwardString, fc.double(), fc.array(awkwardString, { maxLength: 3 })), { maxKeys: 4 }),
);
const field = fc.oneof(item, fc.array(item, { maxLength: 5 }), fc.array(item, { minLength: 60, maxLength: 300 }));
const record: fc.Arbitrary<StateRecord> = fc
  .tuple(awkwardString, fc.dictionary(awkwardString.filter((key) => key !== 'type'), field, { maxKeys: 5 }))
  .map(([type, fields]) => ({ type, ...fields }));

describe('a line encoded in slices', () => {
  it('is the bytes of encodeLine, and decodes to the record as JSON holds it', () => {
    fc.assert(
      fc.property(record, (value) => {
        const line = Buffer.concat(runAll(encodingLine(value)));
        expect(line.equals(Buffer.from(encodeLine(value)))).toBe(true);
        expect(decodeLine(withoutNewline(line))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('checksums a record of many chunks as one line, and reads its arrays as they were when it was asked for', async () => {
    const customers = Array.from({ length: 5000 }, () => aCustomer({ first_name: 'Zoë "the" \u2028 Ðoe' }));
    const sandbox = { type: 'sandbox', clientKey: 'sandbox_a', customers };
    const expected = encodeLine(sandbox);
    const encoding = runInSlices(encodingLine(sandbox));
    // A change made after the record was queued is not in its line.
    customers.push(aCustomer());
    const chunks = await encoding;
    expect(chunks.length).toBeGreaterThan(4);
    expect(Buffer.concat(chunks).equals(Buffer.from(expected))).toBe(true);
  });
});
