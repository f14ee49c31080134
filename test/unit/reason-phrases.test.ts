import { STATUS_CODES } from 'node:http';
import { describe, expect, it } from 'vitest';
import { REASON_PHRASES } from '../../src/http/reason-phrases.js';

describe('the reason phrases of error bodies', () => {
  it("are Node's own, every status of them", () => {
    expect(Object.fromEntries(Object.entries(REASON_PHRASES).map(([status, phrase]) => [status, phrase]))).toEqual(STATUS_CODES);
  });
});
