import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS, parseErrorRate, parseLatency } from '../../src/config/values.js';
import { parsePrefer, planRequest, SIMULATED_STATUSES, type FailureSettings } from '../../src/http/failure-simulation.js';

const OFF: FailureSettings = { latency: { minMs: 0, maxMs: 0 }, errorRate: 0, rateLimit: 100 };
const never = () => {
  throw new Error('no chance should be drawn');
};

describe('parsePrefer', () => {
  it.each([
    [undefined, {}],
    ['', {}],
    ['code=429', { code: 429 }],
    ['code=500, delay=300', { code: 500, delayMs: 300 }],
    ['delay=0', { delayMs: 0 }],
    [' Code = "503" ,DELAY="25"', { code: 503, delayMs: 25 }],
    ['return=minimal, code=502', { code: 502 }],
    ['respond-async, wait=10', {}],
    ['code=504; lenient', { code: 504 }],
    ['code=429, code=500', { code: 429 }],
    [`delay=${MAX_DELAY_MS}`, { delayMs: MAX_DELAY_MS }],
  ])('reads %j', (header, expected) => {
    expect(parsePrefer(header)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['code=200', ['Prefer code must be one of the following values: 429, 500, 502, 503, 504']],
    ['code=404', ['Prefer code must be one of the following values: 429, 500, 502, 503, 504']],
    ['code', ['Prefer code must be one of the following values: 429, 500, 502, 503, 504']],
    ['code=429.0', ['Prefer code must be one of the following values: 429, 500, 502, 503, 504']],
    ['delay=-1', [`Prefer delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`]],
    ['delay=1.5', [`Prefer delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`]],
    [`delay=${MAX_DELAY_MS + 1}`, [`Prefer delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`]],
    ['code=abc, delay=x', ['Prefer code must be one of the following values: 429, 500, 502, 503, 504', `Prefer delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`]],
  ])('rejects %j, naming each bad preference', (header, messages) => {
    expect(parsePrefer(header)).toEqual({ ok: false, messages });
  });

  it('never throws, whatever the header holds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        const result = parsePrefer(header);
        if (result.ok) {
          if (result.value.code !== undefined) expect(SIMULATED_STATUSES).toContain(result.value.code);
          if (result.value.delayMs !== undefined) expect(result.value.delayMs).toBeLessThanOrEqual(MAX_DELAY_MS);
        } else {
          expect(result.messages.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('parseLatency and parseErrorRate', () => {
  it.each([
    ['250', { minMs: 250, maxMs: 250 }],
    ['100-400', { minMs: 100, maxMs: 400 }],
    ['0', { minMs: 0, maxMs: 0 }],
    [`0-${MAX_DELAY_MS}`, { minMs: 0, maxMs: MAX_DELAY_MS }],
  ])('latency %j', (text, expected) => {
    expect(parseLatency(text)).toEqual(expected);
  });

  it.each(['', 'fast', '400-100', '-5', '1.5', `${MAX_DELAY_MS + 1}`, '100-', '100-200-300'])('rejects latency %j', (text) => {
    expect(parseLatency(text)).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['0.05', 0.05],
    ['.5', 0.5],
    ['1', 1],
  ])('error rate %j', (text, expected) => {
    expect(parseErrorRate(text)).toBe(expected);
  });

  it.each(['', '1.01', '-0.1', '5%', 'half', '1e-2'])('rejects error rate %j', (text) => {
    expect(parseErrorRate(text)).toBeUndefined();
  });
});

describe('planRequest', () => {
  it('leaves a request alone, drawing no chance, when nothing is asked for', () => {
    expect(planRequest({}, OFF, never)).toEqual({ delayMs: 0, status: undefined, cause: '', applied: '' });
  });

  it('follows the preferences over the global settings, and says which it applied', () => {
    const settings: FailureSettings = { latency: { minMs: 100, maxMs: 200 }, errorRate: 1, rateLimit: 100 };
    expect(planRequest({ code: 429, delayMs: 5 }, settings, never)).toEqual({
      delayMs: 5,
      status: 429,
      cause: 'Prefer: code=429',
      applied: 'code=429, delay=5',
    });
  });

  it('draws latency uniformly within the range, ends included', () => {
    const settings: FailureSettings = { ...OFF, latency: { minMs: 100, maxMs: 102 } };
    expect(planRequest({}, settings, () => 0).delayMs).toBe(100);
    expect(planRequest({}, settings, () => 0.5).delayMs).toBe(101);
    expect(planRequest({}, settings, () => 0.9999).delayMs).toBe(102);
  });

  it('fails at the error rate, half with 500 and half with 503', () => {
    const settings: FailureSettings = { ...OFF, errorRate: 0.25 };
    const draws = (...values: number[]) => () => values.shift()!;
    expect(planRequest({}, settings, draws(0.25)).status).toBeUndefined();
    expect(planRequest({}, settings, draws(0.1, 0.2))).toMatchObject({ status: 500, cause: 'error rate 0.25' });
    expect(planRequest({}, settings, draws(0.1, 0.7)).status).toBe(503);
  });
});
