import { describe, expect, it } from 'vitest';
import { ContractFailure, describeRequest, preview } from '../../src/contract-kit/failure.js';

const request = {
  method: 'GET',
  url: 'http://127.0.0.1:4010/api/v0/customers?take=0',
  headers: { accept: 'application/json', 'x-client-secret': '***' },
  body: undefined,
};

describe('contract failure reports', () => {
  it('show the request with the secret masked and say which credential was left out', () => {
    expect(describeRequest(request)).toBe('GET http://127.0.0.1:4010/api/v0/customers?take=0 [x-client-secret: ***, no x-client-key]');
  });

  it('read as request, expected, got', () => {
    const failure = new ContractFailure('status 400 as the document says', '200 application/json {"data":[]}', request);
    expect(failure.message.split('\n')).toEqual([
      'request:  GET http://127.0.0.1:4010/api/v0/customers?take=0 [x-client-secret: ***, no x-client-key]',
      'expected: status 400 as the document says',
      'got:      200 application/json {"data":[]}',
    ]);
  });

  it('cut long bodies short and name empty ones', () => {
    expect(preview('x'.repeat(1000))).toMatch(/^x{400}\.\.\. \(1000 chars\)$/);
    expect(preview('')).toBe('(empty body)');
  });
});
