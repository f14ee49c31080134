import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { customerCheck } from '../../src/engine.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { anonymize } from '../../src/proxy/anonymizer.js';
import { credentialRedactor, REDACTED } from '../../src/proxy/credentials.js';
import { Recorder, type RecordedExchange } from '../../src/proxy/recorder.js';
import { seededCustomers } from '../../src/store/seeded-customers.js';

const check = customerCheck(await getSpecModel());
const [a, b, c] = seededCustomers({ seed: 7, count: 3, appId: 'app' }) as [Customer, Customer, Customer];
const later = (customer: Customer, fields: Partial<Customer>, ms: number): Customer => ({ ...customer, ...fields, updatedAt: new Date(Date.parse(customer.updatedAt) + ms).toISOString() });
const answered = (operationId: string, body: unknown, params: Record<string, string> = {}, status = 200): RecordedExchange => ({ operationId, params, response: { status, body, bodyIsJson: true } });

describe('the recorder', () => {
  it('keeps the newest version of each customer by updatedAt, whatever order the answers came in', () => {
    const recorder = new Recorder();
    const renamed = later(a, { last_name: 'Newer' }, 1000);
    recorder.see(answered('updateCustomer', renamed, { id: a.id }));
    recorder.see(answered('listCustomers', { data: [a, b], total: 2, skip: 0, take: 2 }));
    expect(recorder.recording(check).customers).toEqual(expect.arrayContaining([renamed, b]));
    expect(recorder.recording(check).customers).toHaveLength(2);
  });

  it('leaves out customers seen deleted, and anything but successful answers', () => {
    const recorder = new Recorder();
    recorder.see(answered('listCustomers', { data: [a, b, c], total: 3, skip: 0, take: 3 }));
    recorder.see(answered('deleteCustomer', { success: true }, { id: b.id.toUpperCase() }));
    recorder.see(answered('fetchCustomer', b, { id: b.id }));
    recorder.see(answered('fetchCustomer', { statusCode: 404, message: 'Customer not found', error: 'Not Found' }, { id: c.id }, 404));
    expect(recorder.recording(check).customers.map((customer) => customer.id).sort()).toEqual([a.id, c.id].sort());
  });

  it('keeps a data set --data loads: records that are no customer and older holders of an email are left out, and counted', () => {
    const recorder = new Recorder();
    recorder.see(answered('listCustomers', { data: [a, { ...b, status: 'active' }], total: 2, skip: 0, take: 2 }));
    recorder.see(answered('fetchCustomer', later(c, { email: a.email }, 1000), { id: c.id }));
    const recording = recorder.recording(check);
    expect(recording.customers.map((customer) => customer.id)).toEqual([c.id]);
    expect(recording.invalid).toEqual([expect.stringMatching(new RegExp(`^${b.id}: .*status`))]);
    expect(recording.emailClashes).toBe(1);
  });
});

describe('anonymising', () => {
  it('gives an id the same identity whatever else the recording holds', () => {
    const alone = anonymize([a]);
    const together = anonymize([c, b, a]);
    expect(together[2]).toEqual(alone[0]);
    expect(alone[0]!.first_name).not.toBe(a.first_name);
    expect(check(alone[0])).toEqual([]);
  });
});

describe('credentials in text about a request', () => {
  it('are taken out, raw or URL-encoded, longest first', () => {
    const redact = credentialRedactor(['X-Client-Key', 'key/1', 'x-client-secret', 'key/1+more', 'Accept', 'application/json']);
    expect(redact('take=key%2F1%2Bmore and key/1 but application/json')).toBe(`take=${REDACTED} and ${REDACTED} but application/json`);
  });
});
