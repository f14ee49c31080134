import { describe, expect, it } from 'vitest';
import { REQUEST_LOG_CAPACITY, REQUEST_LOG_CHARACTERS, RequestLog, type RecordedRequest } from '../../src/tenancy/request-log.js';

let sequence = 0;
function entry(path: string, search = ''): RecordedRequest {
  return { method: 'GET', path, search, status: 200, at: 0, durationMs: 1, sequence: sequence++ };
}

describe('RequestLog', () => {
  it('keeps the newest REQUEST_LOG_CAPACITY entries, oldest first', () => {
    const log = new RequestLog();
    for (let i = 0; i < 3 * REQUEST_LOG_CAPACITY + 7; i++) log.add(entry(`/${i}`));
    const paths = log.list().map((e) => e.path);
    expect(paths).toHaveLength(REQUEST_LOG_CAPACITY);
    expect(paths[0]).toBe(`/${2 * REQUEST_LOG_CAPACITY + 7}`);
    expect(paths.at(-1)).toBe(`/${3 * REQUEST_LOG_CAPACITY + 6}`);
  });

  it('drops the oldest entries once their paths and queries pass REQUEST_LOG_CHARACTERS', () => {
    const log = new RequestLog();
    const longQuery = `?q=${'x'.repeat(16_000)}`;
    for (let i = 0; i < REQUEST_LOG_CAPACITY; i++) log.add(entry(`/${i}`, longQuery));
    const kept = log.list();
    expect(kept.length).toBe(Math.floor(REQUEST_LOG_CHARACTERS / (longQuery.length + 4)));
    expect(kept.at(-1)!.path).toBe(`/${REQUEST_LOG_CAPACITY - 1}`);
    expect(kept[0]!.query.q).toHaveLength(16_000);
  });

  it('reads several logs as one, in the order their requests were recorded', () => {
    const [a, b] = [new RequestLog(), new RequestLog()];
    a.add(entry('/1'));
    b.add(entry('/2'));
    a.add(entry('/3', '?take=1'));
    expect(RequestLog.merged([a, b]).map((e) => [e.path, e.query])).toEqual([
      ['/1', {}],
      ['/2', {}],
      ['/3', { take: '1' }],
    ]);
  });
});
