import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { createJudge, type JudgedRequest, type Knowledge } from '../../src/judge/index.js';
import { getSpecModel } from '../../src/openapi/index.js';

const NOW_MS = 1_800_000_000_000;
const judge = createJudge(await getSpecModel(), { now: () => NOW_MS });
const spec = await getSpecModel();
const example = (spec.spec.raw.components!.examples!.ExistingCustomer as { value: Customer }).value;
const customer = (fields: Partial<Customer> = {}): Customer => ({ ...example, ...fields });
const ID = example.id;
const OTHER_ID = '0b8a7f0e-2b4c-4d6e-8f10-1a2b3c4d5e6f';

const CREDENTIALS = { 'x-client-key': 'k', 'x-client-secret': 's' };
const RATE_LIMIT = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': String(NOW_MS / 1000 + 30) };

function request(method: string, url: string, body?: unknown, headers: Record<string, string> = CREDENTIALS): JudgedRequest {
  return { method, url, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) };
}

function response(status: number, body: unknown, headers: Record<string, string> = RATE_LIMIT) {
  return { status, headers: new Headers({ 'content-type': 'application/json', ...headers }), body, bodyIsJson: true };
}

const page = (data: Customer[], total = data.length, skip = 0) => ({ data, total, skip, take: data.length });
const rulesOf = (judgement: { verdicts: readonly { rule: string }[] }) => judgement.verdicts.map((v) => v.rule);

describe('the judge of single exchanges', () => {
  it('finds nothing in a conforming list exchange, and names the rules it judged', () => {
    const judgement = judge.judge(request('GET', '/api/v0/customers?take=2'), response(200, page([customer()], 1)));
    expect(judgement.operationId).toBe('listCustomers');
    expect(judgement.verdicts).toEqual([]);
    expect(judgement.judged).toEqual(expect.arrayContaining(['response.status', 'response.schema', 'rate-limit.headers', 'list.page.size', 'list.take.bounds']));
    // What the client sent is judged too, but counts no check of the server.
    expect(judgement.judged).not.toContain('request.validation');
  });

  it('judges a request that breaks the document as the client\'s, on the request side', () => {
    const judgement = judge.judge(request('GET', 'http://staging.example/api/v0/customers?take=101'), response(400, { statusCode: 400, message: ['take must not be greater than 100'], error: 'Bad Request' }));
    expect(judgement.verdicts).toEqual([{ rule: 'request.validation', provenance: 'documented', side: 'request', operationId: 'listCustomers', status: 400, message: expect.stringContaining('take') as string }]);
    const unknownField = judge.judge(request('POST', '/api/v0/customers', { first_name: 'A', last_name: 'B', phone_number: '+14155550123', firstName: 'A' }), response(400, { statusCode: 400, message: ['property firstName should not exist'], error: 'Bad Request' }));
    expect(unknownField.verdicts).toEqual([expect.objectContaining({ rule: 'create.unknown-field', provenance: 'choice', side: 'request' })]);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers', undefined, {}), response(401, { statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' })))).toEqual(['auth.required', 'auth.required']);
  });

  it('tells documented schema rules from the document\'s choices', () => {
    const extra = judge.judge(request('GET', `/api/v0/customers/${ID}`), response(200, { ...customer(), app_id: 'x' }));
    expect(extra.verdicts).toEqual([expect.objectContaining({ rule: 'response.closed-schema', provenance: 'choice', side: 'response' })]);
    const wrongType = judge.judge(request('GET', `/api/v0/customers/${ID}`), response(200, { ...customer(), status: 'active' }));
    expect(rulesOf(wrongType)).toEqual(['response.schema']);
    const statusCode = judge.judge(request('GET', `/api/v0/customers/${OTHER_ID}`), response(404, { statusCode: 400, message: 'Customer not found', error: 'Not Found' }));
    expect(statusCode.verdicts).toEqual([expect.objectContaining({ rule: 'response.schema', message: 'response body statusCode is 400, but the status is 404' })]);
    expect(rulesOf(judge.judge(request('GET', `/api/v0/customers/${ID}`), response(418, {})))).toEqual(['response.status']);
  });

  it('requires the rate-limit headers on every API response below 500, a current reset included', () => {
    const { 'x-ratelimit-remaining': _gone, ...without } = RATE_LIMIT;
    expect(judge.judge(request('GET', `/api/v0/customers/${OTHER_ID}`), response(404, { statusCode: 404, message: 'Customer not found', error: 'Not Found' }, without)).verdicts).toEqual([
      expect.objectContaining({ rule: 'rate-limit.headers', message: 'header X-RateLimit-Remaining is missing' }),
    ]);
    const past = judge.judge(request('GET', `/api/v0/customers/${ID}`), response(200, customer(), { ...RATE_LIMIT, 'x-ratelimit-reset': String(NOW_MS / 1000 - 60) }));
    expect(past.verdicts).toEqual([expect.objectContaining({ rule: 'rate-limit.headers', message: expect.stringContaining('is not the end of a current window') as string })]);
    expect(judge.judge(request('GET', `/api/v0/customers/${ID}`), response(503, { statusCode: 503, message: 'down', error: 'Service Unavailable' }, {})).verdicts).toEqual([]);
  });

  it('holds every record of a filtered page to the filter, naming literal matching where the value holds pattern characters', () => {
    const joan = customer({ first_name: 'Joan', last_name: 'Smith', email: 'joan@example.com' });
    const bob = customer({ first_name: 'Bob', last_name: 'Smith', email: 'bob@example.com' });
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?name=%25an%25'), response(200, page([joan]))))).toEqual(['list.filter.name.literal']);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?name=an'), response(200, page([joan, bob]))))).toEqual(['list.filter.name.partial']);
    expect(judge.judge(request('GET', '/api/v0/customers?name=JOAN%20sm'), response(200, page([joan]))).verdicts).toEqual([]);
    const xjoan = customer({ email: 'xjoan@example.com' });
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?email=joan@example.com'), response(200, page([xjoan]))))).toEqual(['list.filter.email.exact']);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?email=jo.n@example.com'), response(200, page([joan]))))).toEqual(['list.filter.email.literal']);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?status=BLACKLISTED'), response(200, page([joan]))))).toEqual(['list.filter.status']);
  });

  it('holds a page to the size skip, take and total give it, and to the default take', () => {
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?take=2'), response(200, page([customer()], 5))))).toEqual(['list.page.size']);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?skip=3'), response(200, page([customer()], 4, 0))))).toEqual(['list.page.size']);
    const eleven = Array.from({ length: 11 }, (_, i) => customer({ id: `0b8a7f0e-2b4c-4d6e-8f10-1a2b3c4d5e${String(i).padStart(2, '0')}` }));
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers'), response(200, page(eleven, 11))))).toEqual(['list.page.size', 'list.take.default']);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers?take=5'), response(200, { ...page([customer()], 1), take: 5 })))).toEqual(['list.envelope.take']);
  });

  it('holds a fetch to its id, a create and an update to what was sent, and a delete to its id', () => {
    expect(rulesOf(judge.judge(request('GET', `/api/v0/customers/${OTHER_ID}`), response(200, customer())))).toEqual(['fetch.by-id']);
    const sent = { first_name: 'Ada', last_name: 'Lovelace', phone_number: '+14155550123' };
    const created = customer({ ...sent, email: null, customer_type: 'Individual', status: 'ACTIVE', last_spent: 0, last_purchase_date: null });
    expect(judge.judge(request('POST', '/api/v0/customers', sent), response(201, created)).verdicts).toEqual([]);
    expect(judge.judge(request('POST', '/api/v0/customers', sent), response(201, { ...created, last_name: 'Byron' })).verdicts).toEqual([
      expect.objectContaining({ rule: 'create.echo', message: 'created customer: last_name is "Byron", expected "Lovelace"' }),
    ]);
    expect(rulesOf(judge.judge(request('PATCH', `/api/v0/customers/${ID}`, { status: 'BLACKLISTED', reason: 'fraud' }), response(200, customer())))).toEqual(['update.fields']);
    const deleted = { success: true, message: 'Customer successfully deleted', deletedAt: '2026-03-22T16:45:30.000Z', customerId: OTHER_ID };
    expect(judge.judge(request('DELETE', `/api/v0/customers/${OTHER_ID}`), response(200, deleted)).verdicts).toEqual([]);
    expect(judge.judge(request('DELETE', `/api/v0/customers/${ID}`), response(200, deleted)).verdicts).toEqual([expect.objectContaining({ rule: 'delete.result', provenance: 'choice' })]);
  });

  it('with knowledge of the caller\'s records, finds stale and deleted records in the views', () => {
    const knowledge: Knowledge = { records: new Map([[ID, { first_name: 'Renamed' }]]), deleted: new Set([OTHER_ID]) };
    expect(rulesOf(judge.judge(request('GET', `/api/v0/customers/${ID}`), response(200, customer()), knowledge))).toEqual(['fetch.by-id']);
    expect(rulesOf(judge.judge(request('GET', `/api/v0/customers/${OTHER_ID}`), response(200, customer({ id: OTHER_ID })), knowledge))).toEqual(['write.delete.gone-from-views']);
    expect(rulesOf(judge.judge(request('GET', '/api/v0/customers'), response(200, page([customer(), customer({ id: OTHER_ID })])), knowledge))).toEqual(['write.update.visible-in-views', 'write.delete.gone-from-views']);
  });

  it('judges nothing of a request no operation routes', () => {
    expect(judge.judge(request('GET', '/api/v0/nothing'), response(404, {}))).toEqual({ operationId: undefined, judged: [], verdicts: [] });
  });
});
