import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { changeCase, CUSTOMER_STATUSES, discoverSample, matches, PAGE_SIZE, type Customer, type Exchange } from '#contract-kit';
import { kit } from './support.js';

/** Every record on the page satisfies the filter, judged by the document's rule. */
function expectAllMatch(exchange: Exchange, filter: Parameters<typeof matches>[0], data: readonly Customer[]): void {
  const strays = data.filter((c) => !matches(filter, c));
  kit.check(
    strays.length === 0,
    `only records matching ${JSON.stringify(filter)}`,
    `${strays.length} that do not, e.g. ${JSON.stringify(strays[0])}`,
    exchange,
  );
}

/** A customer whose names and email have letters whose case can be changed safely. */
async function sampleWith(field: 'name' | 'email'): Promise<Customer | undefined> {
  const { customers } = await discoverSample(kit);
  const ascii = (text: string | null) => text !== null && /[A-Za-z]/.test(text);
  return customers.find((c) => (field === 'name' ? ascii(c.first_name) && ascii(c.last_name) : ascii(c.email) && c.email!.includes('@')));
}

/**
 * The name filter finds `customer` when given `fragment`. The customer comes from the first page
 * of the unfiltered list, and a filter keeps the list's order, so a correct server has it on the
 * first page of matches too.
 */
async function expectNameFinds(customer: Customer, fragment: string): Promise<void> {
  const { exchange, page } = await kit.list({ name: fragment, take: PAGE_SIZE });
  expectAllMatch(exchange, { name: fragment }, page.data);
  const found = page.data.some((c) => c.id === customer.id);
  kit.check(found, `customer ${customer.id} (${customer.first_name} ${customer.last_name}) among the matches`, `${page.total} matches without it`, exchange);
}

describe('status filter', () => {
  it('returns only customers with the status, and the status totals add up to the whole', async () => {
    const { total } = await discoverSample(kit);
    let sum = 0;
    let last: Exchange | undefined;
    for (const status of CUSTOMER_STATUSES) {
      const { exchange, page } = await kit.list({ status, take: PAGE_SIZE });
      expectAllMatch(exchange, { status }, page.data);
      sum += page.total;
      last = exchange;
    }
    kit.check(sum === total, `totals per status adding up to the unfiltered total ${total}`, `they add up to ${sum}`, last);
  });

  // Not `DELETED`: the real API's own spec lists it, so a correct deployment may accept it.
  it('an unknown status -> 400', async () => {
    kit.expectStatus(await kit.send('listCustomers', { query: { status: 'NOT_A_STATUS' } }), 400);
  });
});

describe('name filter: case-insensitive, partial, on first name, last name or "first last"', () => {
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

  it('"first last", in changed case, finds the customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return context.skip('no customer on the first page has a name with ASCII letters');
    await expectNameFinds(customer, changeCase(`${customer.first_name} ${customer.last_name}`));
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
    const ids = page.data.map((c) => c.id).join(', ') || 'none';
    kit.check(page.total === 1 && page.data[0]?.id === customer.id, `exactly customer ${customer.id} (total 1)`, `total ${page.total}: ${ids}`, exchange);
  });

  it('a fragment of an email does not match', async (context) => {
    const customer = await sampleWith('email');
    if (!customer) return context.skip('no customer on the first page has an email with ASCII letters');
    const fragment = customer.email!.slice(0, customer.email!.indexOf('@') + 1);
    const { exchange, page } = await kit.list({ email: fragment });
    expectAllMatch(exchange, { email: fragment }, page.data);
  });
});
