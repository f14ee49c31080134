import { describe, expect, it } from 'vitest';
import { asError, errorCode } from '../../src/caught-error.js';
import { isJsonObject, isTextRecord } from '../../src/json-object.js';

describe('asError', () => {
  it('gives back an Error as it is, subclasses included', () => {
    const error = new RangeError('out of range');
    expect(asError(error)).toBe(error);
  });

  it('wraps anything else thrown in an Error whose message is that value, keeping it as the cause', () => {
    expect(asError('boom')).toMatchObject({ message: 'boom', cause: 'boom' });
    expect(asError(42).message).toBe('42');
    expect(asError(undefined).message).toBe('undefined');
  });
});

describe('errorCode', () => {
  it("reads a Node error's code, and nothing from values without a string code", () => {
    expect(errorCode(Object.assign(new Error('in use'), { code: 'EADDRINUSE' }))).toBe('EADDRINUSE');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    expect(errorCode({ code: 7 })).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
    expect(errorCode('ENOENT')).toBeUndefined();
  });
});

describe('isJsonObject and isTextRecord', () => {
  it('accept objects, not null, arrays or primitives', () => {
    expect([{}, { a: 1 }].map(isJsonObject)).toEqual([true, true]);
    expect([null, [], 'a', 1, undefined].map(isJsonObject)).toEqual([false, false, false, false, false]);
  });

  it('accept as text records only objects whose every field is a string', () => {
    expect(isTextRecord({ a: 'x', b: '' })).toBe(true);
    expect(isTextRecord({ a: 'x', b: 1 })).toBe(false);
    expect(isTextRecord(['x'])).toBe(false);
  });
});
