import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { changeCase, discoverSample, matches, PAGE_SIZE, STATUSES, walkPages, type Customer, type CustomerStatus, type Exchange, type Walk } from '#contract-kit';
import { kit } from './support.js';

const NAME_FILTER = '/components/parameters/NameFilter';
const STATUS_VALUES = '/components/schemas/CustomerStatus';

type Filter = { status?: CustomerStatus; name?: string; email?: string };

/** Every record on the page satisfies the filter, judged by the document's rule. */
function expectAllMatch(exchange: Exchange, filter: Filter, data: readonly Customer[]): void {
  const strays = data.filter((c) => !matches(filter, c));
  kit.check(strays.length === 0, `only records matching ${JSON.stringify(filter)}`, `${strays.length} that do not, e.g. ${JSON.stringify(strays[0])}`, exchange);
}

/**
 * Walks every page of a filtered list: every record matches, `total` is the same on every page
 * and, when the walk reached the end, equals the records walked.
 */
async function walkFiltered(filter: Filter): Promise<Walk> {
  const walk = await walkPages(kit, filter);
  const total = walk.pages[0]!.page.total;
  for (const { exchange, page } of walk.pages) {
    expectAllMatch(exchange, filter, page.data);
    kit.check(page.total === total, `total ${total} on every page of ${JSON.stringify(filter)}`, `total ${page.total}`, exchange);
  }
  const last = walk.pages.at(-1)!.exchange;
  if (walk.complete) kit.check(walk.customers.length === total, `${total} records over all pages of ${JSON.stringify(filter)}, as its total says`, `${walk.customers.length} records`, last);
  return walk;
}

/** A customer whose names and email have letters whose case can be changed safely. */
async function sampleWith(field: 'name' | 'email'): Promise<Customer | undefined> {
  const { customers } = await discoverSample(kit);
  const ascii = (text: string | null) => text !== null && /[A-Za-z]/.test(text);
  return customers.find((c) => (field === 'name' ? ascii(c.first_name) && ascii(c.last_name) : ascii(c.email) && c.email!.includes('@')));
}

/** A customer with a name and an email to combine filters on. */
async function sampleForCombinations(): Promise<Customer | undefined> {
  const { customers } = await discoverSample(kit);
  return customers.find((c) => c.email !== null && /[A-Za-z]{3}/.test(c.last_name));
}

/**
 * The name filter finds `customer` when given `fragment`. The customer comes from the first page
 * of the unfiltered list, and a filter keeps the list's order, so a correct server has it on the
 * first page of matches too.
 */
async function nameFinds(customer: Customer, fragment: string): Promise<{ found: boolean; exchange: Exchange; total: number }> {
  const { exchange, page } = await kit.list({ name: fragment, take: PAGE_SIZE });
  expectAllMatch(exchange, { name: fragment }, page.data);
  return { found: page.data.some((c) => c.id === customer.id), exchange, total: page.total };
}

async function expectNameFinds(customer: Customer, fragment: string): Promise<void> {
  const { found, exchange, total } = await nameFinds(customer, fragment);
  kit.check(found, `customer ${customer.id} (${customer.first_name} ${customer.last_name}) among the matches of "${fragment}"`, `${total} matches without it`, exchange);
}

describe('status filter', () => {
  it.each(STATUSES)('status=%s: only customers with it, and its total is the records over all its pages', async (status) => {
    await walkFiltered({ status });
  });

  it('the status totals add up to the whole, `DELETED` included where it is a status', async () => {
    const { total, exchange } = await discoverSample(kit);
    let sum = 0;
    for (const status of STATUSES) sum += (await kit.list({ status, take: 1 })).page.total;
    // api.yml and the SDKs have a fourth status, the docs pages three: a deployment may refuse it.
    const deleted = await kit.send('listCustomers', { query: { status: 'DELETED', take: '1' } });
    const fourth = deleted.response.status === 200;
    kit.atRule(STATUS_VALUES, { observed: fourth ? 'four statuses' : 'three statuses', expected: 'four statuses', asDocument: fourth, detail: `status=DELETED answered ${deleted.response.status}` }, deleted);
    if (fourth) sum += kit.expectStatus<{ total: number }>(deleted, 200).total;
    else kit.expectStatus(deleted, 400);
    // Totals read one after another hold only when nobody else writes meanwhile.
    if (kit.settings.exclusive) kit.check(sum === total, `totals per status adding up to the unfiltered total ${total}`, `${sum}`, exchange);
  });

  // Not `DELETED`: the real API's own spec lists it, so a correct deployment may accept it.
  it.each(['NOT_A_STATUS', 'active', 'Active', 'ACTIVE ', 'BLACKLIST'])('status=%s (unknown, or a case variant) -> 400', async (status) => {
    kit.expectStatus(await kit.send('listCustomers', { query: { status } }), 400);
  });
});

describe('name filter: case-insensitive, partial, on the names only', () => {
  it('a fragment of a first name, in changed case, finds the customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return context.skip('no customer on the first page has a name with ASCII letters');
    const first = customer.first_name;
    // Drop the first character when the name is long enough, so the match must be partial.
    await expectNameFinds(customer, changeCase(first.length >= 4 ? first.slice(1) : first));
  });

  it('a last name, in changed case, finds the customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return context.skip('no customer on the first page has a name with ASCII letters');
    await expectNameFinds(customer, changeCase(customer.last_name));
  });

  it('"first last" of a customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return context.skip('no customer on the first page has a name with ASCII letters');
    const fragment = changeCase(`${customer.first_name} ${customer.last_name}`);
    const { found, exchange, total } = await nameFinds(customer, fragment);
    const detail = `name=${fragment} gave ${total} matches ${found ? 'with' : 'without'} ${customer.id}`;
    kit.atRule(NAME_FILTER, { observed: found ? 'first-last' : 'either', expected: 'first-last', asDocument: found, detail }, exchange);
  });

  // An email or a phone number is in no name, so a server that also searched those fields shows it.
  it.for(['email', 'phone_number'] as const)("a customer's %s matches no name", async (field, context) => {
    const { customers } = await discoverSample(kit);
    const customer = customers.find((c) => c[field] !== null);
    if (!customer) return context.skip(`no customer on the first page has a ${field}`);
    const { exchange, page } = await kit.list({ name: customer[field]!, take: PAGE_SIZE });
    expectAllMatch(exchange, { name: customer[field]! }, page.data);
  });

  // A filter that is ignored returns records anyway; a name nobody is likely to have shows it.
  it('a name fragment no listed customer has returns only records that match it', async () => {
    const fragment = `zq${randomUUID().slice(0, 8)}`;
    const { exchange, page } = await kit.list({ name: fragment });
    expectAllMatch(exchange, { name: fragment }, page.data);
  });
});

describe('email filter: exact, case-insensitive', () => {
  it('an email in changed case finds exactly that customer', async (context) => {
    const customer = await sampleWith('email');
    if (!customer) return context.skip('no customer on the first page has an email with ASCII letters');
    const { exchange, page } = await kit.list({ email: changeCase(customer.email!) });
    const found = page.data.map((c) => c.id).join(', ') || 'none';
    kit.check(page.total === 1 && page.data[0]?.id === customer.id, `exactly customer ${customer.id} (total 1)`, `total ${page.total}: ${found}`, exchange);
  });

  it('a fragment of an email does not match', async (context) => {
    const customer = await sampleWith('email');
    if (!customer) return context.skip('no customer on the first page has an email with ASCII letters');
    const fragment = customer.email!.slice(0, customer.email!.indexOf('@') + 1);
    const { exchange, page } = await kit.list({ email: fragment });
    expectAllMatch(exchange, { email: fragment }, page.data);
  });
});

describe('filters combined: every combination is the intersection of its parts (AND)', () => {
  it('status, name and email alone and in every combination', async (context) => {
    const customer = await sampleForCombinations();
    if (!customer) return context.skip('no customer on the first page has an email and a last name of three letters');
    const parts: Filter = { status: customer.status, name: changeCase(customer.last_name.slice(0, 3)), email: changeCase(customer.email!) };
    const keys = Object.keys(parts) as (keyof Filter)[];
    const alone = new Map<keyof Filter, Walk>();
    for (const key of keys) alone.set(key, await walkFiltered({ [key]: parts[key] }));
    for (let mask = 3; mask < 8; mask++) {
      const chosen = keys.filter((_, i) => mask & (1 << i));
      if (chosen.length < 2) continue;
      const filter = Object.fromEntries(chosen.map((k) => [k, parts[k]])) as Filter;
      const walk = await walkFiltered(filter);
      const last = walk.pages.at(-1)!.exchange;
      kit.check(walk.customers.some((c) => c.id === customer.id), `customer ${customer.id}, who matches every part, among the matches of ${JSON.stringify(filter)}`, `${walk.customers.length} matches without it`, last);
      const parted = chosen.map((k) => alone.get(k)!);
      if (!walk.complete || parted.some((w) => !w.complete)) continue;
      const expected = parted.map((w) => new Set(w.customers.map((c) => c.id))).reduce((a, b) => new Set([...a].filter((id) => b.has(id))));
      const got = walk.customers.map((c) => c.id);
      kit.check(got.length === expected.size && got.every((id) => expected.has(id)), `the ${expected.size} records every one of ${chosen.join(', ')} matches alone`, `${got.length} records`, last);
    }
  });

  it('a status the customer does not have, with its email, matches nothing', async (context) => {
    const customer = await sampleForCombinations();
    if (!customer) return context.skip('no customer on the first page has an email and a last name of three letters');
    const other = STATUSES.find((s) => s !== customer.status)!;
    const { exchange, page } = await kit.list({ status: other, email: customer.email!, name: customer.last_name });
    kit.check(page.total === 0 && page.data.length === 0, `no match for status ${other} with the email of a ${customer.status} customer`, `total ${page.total}`, exchange);
  });
});
