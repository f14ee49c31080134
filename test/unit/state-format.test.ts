import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeLine, encodeLine, isFramed, readLines } from '../../src/store/state-format.js';

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
