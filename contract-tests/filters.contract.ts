import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { changeCase, discoverSample, matches, PAGE_SIZE, patternsFor, STATUSES, walkPages, type Customer, type CustomerStatus, type Exchange, type RuleId, type Walk } from '#contract-kit';
import { kit } from './support.js';

type Filter = { status?: CustomerStatus; name?: string; email?: string };

/** Every record on the page satisfies the filter, judged by the document's rule. */
function expectAllMatch(rule: RuleId, exchange: Exchange, filter: Filter, data: readonly Customer[]): void {
  const strays = data.filter((c) => !matches(filter, c));
  kit.check(rule, strays.length === 0, `only records matching ${JSON.stringify(filter)}`, `${strays.length} that do not, e.g. ${JSON.stringify(strays[0])}`, exchange);
}

/**
 * Walks every page of a filtered list: every record matches, `total` is the same on every page
 * and, when the walk reached the end, equals the records walked.
 */
async function walkFiltered(rule: RuleId, filter: Filter): Promise<Walk> {
  const walk = await walkPages(kit, rule, filter);
  const total = walk.pages[0]!.page.total;
  for (const { exchange, page } of walk.pages) {
    expectAllMatch(rule, exchange, filter, page.data);
    kit.check('list.total.consistent', page.total === total, `total ${total} on every page of ${JSON.stringify(filter)}`, `total ${page.total}`, exchange);
  }
  const last = walk.pages.at(-1)!.exchange;
  if (walk.complete) kit.check('list.total.consistent', walk.customers.length === total, `${total} records over all pages of ${JSON.stringify(filter)}, as its total says`, `${walk.customers.length} records`, last);
  return walk;
}

/** A non-ASCII letter whose case changes one to one and back (so not ß, İ or ı). */
function hasOneToOneCase(letter: string): boolean {
  const other = swapCase(letter);
  return letter > '\u007f' && other !== letter && [...other].length === 1 && swapCase(other) === letter;
}

const swapCase = (letter: string) => (letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase());

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
async function nameFinds(rule: RuleId, customer: Customer, fragment: string): Promise<{ found: boolean; exchange: Exchange; total: number }> {
  const { exchange, page } = await kit.list(rule, { name: fragment, take: PAGE_SIZE });
  expectAllMatch(rule, exchange, { name: fragment }, page.data);
  return { found: page.data.some((c) => c.id === customer.id), exchange, total: page.total };
}

async function expectNameFinds(customer: Customer, fragment: string): Promise<void> {
  const { found, exchange, total } = await nameFinds('list.filter.name.partial', customer, fragment);
  kit.check('list.filter.name.partial', found, `customer ${customer.id} (${customer.first_name} ${customer.last_name}) among the matches of "${fragment}"`, `${total} matches without it`, exchange);
}

describe('status filter', () => {
  it.each(STATUSES)('status=%s: only customers with it, and its total is the records over all its pages', async (status) => {
    await walkFiltered('list.filter.status', { status });
  });

  it('the status totals add up to the whole, `DELETED` included where it is a status', async () => {
    const { total, exchange } = await discoverSample(kit);
    let sum = 0;
    for (const status of STATUSES) sum += (await kit.list('list.total.consistent', { status, take: 1 })).page.total;
    // api.yml and the SDKs have a fourth status, the docs pages three: a deployment may refuse it.
    const deleted = await kit.send('listCustomers', { query: { status: 'DELETED', take: '1' } });
    const fourth = deleted.response.status === 200;
    kit.atRule('list.filter.status.deleted', { observed: fourth ? 'four statuses' : 'three statuses', expected: 'four statuses', asDocument: fourth, detail: `status=DELETED answered ${deleted.response.status}` }, deleted);
    if (fourth) sum += kit.expectStatus<{ total: number }>('list.filter.status.deleted', deleted, 200).total;
    else kit.expectStatus('list.filter.status', deleted, 400);
    // Totals read one after another hold only when nobody else writes meanwhile.
    if (kit.settings.exclusive) kit.check('list.total.consistent', sum === total, `totals per status adding up to the unfiltered total ${total}`, `${sum}`, exchange);
  });

  // Not `DELETED`: the real API's own spec lists it, so a correct deployment may accept it.
  it.each(['NOT_A_STATUS', 'active', 'Active', 'ACTIVE ', 'BLACKLIST'])('status=%s (unknown, or a case variant) -> 400', async (status) => {
    kit.expectStatus('list.filter.status', await kit.send('listCustomers', { query: { status } }), 400);
  });
});

describe('name filter: case-insensitive, partial, on the names only', () => {
  it('a fragment of a first name, in changed case, finds the customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return kit.skip(context, 'no customer on the first page has a name with ASCII letters', ['list.filter.name.partial']);
    const first = customer.first_name;
    // Drop the first character when the name is long enough, so the match must be partial.
    await expectNameFinds(customer, changeCase(first.length >= 4 ? first.slice(1) : first));
    // Case folding of A-Z only (LOWER() under a C collation) misses other letters: a listed name
    // with one is probed too (the write checks probe it with a record of their own).
    const { customers } = await discoverSample(kit);
    const beyondAscii = customers.find((c) => [...c.first_name].some(hasOneToOneCase));
    if (beyondAscii) await expectNameFinds(beyondAscii, [...beyondAscii.first_name].map((c) => (hasOneToOneCase(c) || /[A-Za-z]/.test(c) ? swapCase(c) : c)).join(''));
  });

  it('a last name, in changed case, finds the customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return kit.skip(context, 'no customer on the first page has a name with ASCII letters', ['list.filter.name.partial']);
    await expectNameFinds(customer, changeCase(customer.last_name));
  });

  it('"first last" of a customer', async (context) => {
    const customer = await sampleWith('name');
    if (!customer) return kit.skip(context, 'no customer on the first page has a name with ASCII letters', ['list.filter.name.full-name']);
    const fragment = changeCase(`${customer.first_name} ${customer.last_name}`);
    const { found, exchange, total } = await nameFinds('list.filter.name.full-name', customer, fragment);
    const detail = `name=${fragment} gave ${total} matches ${found ? 'with' : 'without'} ${customer.id}`;
    kit.atRule('list.filter.name.full-name', { observed: found ? 'first-last' : 'either', expected: 'first-last', asDocument: found, detail }, exchange);
  });

  // An email or a phone number is in no name, so a server that also searched those fields shows it.
  it.for(['email', 'phone_number'] as const)("a customer's %s matches no name", async (field, context) => {
    const { customers } = await discoverSample(kit);
    const customer = customers.find((c) => c[field] !== null);
    if (!customer) return kit.skip(context, `no customer on the first page has a ${field}`, []);
    const { exchange, page } = await kit.list('list.filter.name.partial', { name: customer[field]!, take: PAGE_SIZE });
    expectAllMatch('list.filter.name.partial', exchange, { name: customer[field]! }, page.data);
  });

  // A filter that is ignored returns records anyway; a name nobody is likely to have shows it.
  it('a name fragment no listed customer has returns only records that match it', async () => {
    const fragment = `zq${randomUUID().slice(0, 8)}`;
    const { exchange, page } = await kit.list('list.filter.name.partial', { name: fragment });
    expectAllMatch('list.filter.name.partial', exchange, { name: fragment }, page.data);
  });
});

describe('name and email filters: matched literally (never as SQL LIKE, regular expression or glob patterns)', () => {
  // Each value stands a pattern character in for a letter of a listed customer's name: read as a
  // pattern it would find the customer; read literally, it finds only names holding it as written.
  it('name values holding %, _, *, ., [, \\, (, + find only names that hold them', async (context) => {
    const customer = (await discoverSample(kit)).customers.find((c) => /^[A-Za-z]{3,}$/.test(c.last_name));
    if (!customer) return kit.skip(context, 'no customer on the first page has a last name of three letters or more', ['list.filter.name.literal']);
    for (const { character, value } of patternsFor(customer.last_name)) {
      const exchange = await kit.send('listCustomers', { query: { name: value, take: PAGE_SIZE } });
      const page = kit.expectStatus<{ data: Customer[] }>('list.filter.name.literal', exchange, 200);
      expectAllMatch('list.filter.name.literal', exchange, { name: value }, page.data);
      kit.check('list.filter.name.literal', !page.data.some((c) => c.id === customer.id), `not ${customer.last_name} (${customer.id}): \`${character}\` is no pattern`, `name=${value} found it`, exchange);
    }
  });

  it('email values holding %, _, *, ., [, \\, (, + find only the email written so', async (context) => {
    const customer = (await discoverSample(kit)).customers.find((c) => c.email !== null && /^[A-Za-z]{3,}/.test(c.email));
    if (!customer) return kit.skip(context, 'no customer on the first page has an email starting with three letters', ['list.filter.email.literal']);
    const email = customer.email!;
    const word = /^[A-Za-z]+/.exec(email)![0];
    for (const { character, value } of patternsFor(word)) {
      const pattern = `${value}${email.slice(word.length)}`;
      const exchange = await kit.send('listCustomers', { query: { email: pattern } });
      const page = kit.expectStatus<{ data: Customer[]; total: number }>('list.filter.email.literal', exchange, 200);
      kit.check('list.filter.email.literal', page.total === 0, `nobody: no email is ${pattern} (\`${character}\` is no pattern)`, `total ${page.total}: ${page.data.map((c) => c.email).join(', ')}`, exchange);
    }
  });
});

describe('filter bounds and empty filters', () => {
  it.each([
    ['name', 100, 'list.filter.name.length'],
    ['email', 255, 'list.filter.email.length'],
  ] as const)('%s of its largest length %i is accepted, one character more is a 400 naming it', async (name, length, rule) => {
    const atBound = await kit.send('listCustomers', { query: { [name]: 'q'.repeat(length) } });
    kit.expectStatus(rule, atBound, 200);
    const past = await kit.send('listCustomers', { query: { [name]: 'q'.repeat(length + 1) } });
    const body = kit.expectStatus<{ message: string | string[] }>(rule, past, 400);
    const message = [body.message].flat().join(' ');
    kit.check('request.validation', message.includes(name), `a message naming \`${name}\``, message, past);
  });

  it.each(['name', 'email'])('an empty %s filters nothing', async (name) => {
    const { total } = await discoverSample(kit);
    const exchange = await kit.send('listCustomers', { query: `${name}=&take=1` });
    const status = exchange.response.status;
    const filtered = status === 200 ? kit.expectStatus<{ total: number }>('list.filter.empty', exchange, 200).total : undefined;
    const same = filtered === total;
    const observed = same ? 'filters nothing' : status === 200 ? `total ${filtered}` : `status ${status}`;
    kit.atRule('list.filter.empty', { observed, expected: 'filters nothing', asDocument: same, detail: `${name}= answered ${status}${filtered === undefined ? '' : ` with total ${filtered}`}; without it, total ${total}` }, exchange);
  });
});

describe('email filter: exact, case-insensitive', () => {
  it('an email in changed case finds exactly that customer', async (context) => {
    const customer = await sampleWith('email');
    if (!customer) return kit.skip(context, 'no customer on the first page has an email with ASCII letters', ['list.filter.email.exact']);
    const { exchange, page } = await kit.list('list.filter.email.exact', { email: changeCase(customer.email!) });
    const found = page.data.map((c) => c.id).join(', ') || 'none';
    kit.check('list.filter.email.exact', page.total === 1 && page.data[0]?.id === customer.id, `exactly customer ${customer.id} (total 1)`, `total ${page.total}: ${found}`, exchange);
  });

  it('a fragment of an email does not match', async (context) => {
    const customer = await sampleWith('email');
    if (!customer) return kit.skip(context, 'no customer on the first page has an email with ASCII letters', []);
    const email = customer.email!;
    for (const fragment of [email.slice(0, email.indexOf('@') + 1), email.slice(1), `${email}x`]) {
      const { exchange, page } = await kit.list('list.filter.email.exact', { email: fragment });
      kit.check('list.filter.email.exact', page.total === 0, `nobody for email=${fragment}, a fragment or an extension of ${email}`, `total ${page.total}`, exchange);
    }
    // A server comparing canonical addresses (Gmail-style, the +tag dropped) finds a tagged address
    // by its untagged form: a listed one is probed too (the write checks probe it with their own).
    const tagged = (await discoverSample(kit)).customers.find((c) => c.email !== null && /^[^@+]+\+[^@]*@/.test(c.email));
    if (!tagged) return;
    const untagged = tagged.email!.replace(/\+[^@]*@/, '@');
    const { exchange, page } = await kit.list('list.filter.email.exact', { email: untagged, take: PAGE_SIZE });
    expectAllMatch('list.filter.email.exact', exchange, { email: untagged }, page.data);
  });
});

describe('filters combined: every combination is the intersection of its parts (AND)', () => {
  it('status, name and email alone and in every combination', async (context) => {
    const customer = await sampleForCombinations();
    if (!customer) return kit.skip(context, 'no customer on the first page has an email and a last name of three letters', ['list.filter.and']);
    const parts: Filter = { status: customer.status, name: changeCase(customer.last_name.slice(0, 3)), email: changeCase(customer.email!) };
    const keys = Object.keys(parts) as (keyof Filter)[];
    const alone = new Map<keyof Filter, Walk>();
    for (const key of keys) alone.set(key, await walkFiltered('list.filter.and', { [key]: parts[key] }));
    for (let mask = 3; mask < 8; mask++) {
      const chosen = keys.filter((_, i) => mask & (1 << i));
      if (chosen.length < 2) continue;
      const filter = Object.fromEntries(chosen.map((k) => [k, parts[k]])) as Filter;
      const walk = await walkFiltered('list.filter.and', filter);
      const last = walk.pages.at(-1)!.exchange;
      kit.check('list.filter.and', walk.customers.some((c) => c.id === customer.id), `customer ${customer.id}, who matches every part, among the matches of ${JSON.stringify(filter)}`, `${walk.customers.length} matches without it`, last);
      const parted = chosen.map((k) => alone.get(k)!);
      if (!walk.complete || parted.some((w) => !w.complete)) continue;
      const expected = parted.map((w) => new Set(w.customers.map((c) => c.id))).reduce((a, b) => new Set([...a].filter((id) => b.has(id))));
      const got = walk.customers.map((c) => c.id);
      kit.check('list.filter.and', got.length === expected.size && got.every((id) => expected.has(id)), `the ${expected.size} records every one of ${chosen.join(', ')} matches alone`, `${got.length} records`, last);
    }
  });

  it('a status the customer does not have, with its email, matches nothing', async (context) => {
    const customer = await sampleForCombinations();
    if (!customer) return kit.skip(context, 'no customer on the first page has an email and a last name of three letters', []);
    const other = STATUSES.find((s) => s !== customer.status)!;
    const { exchange, page } = await kit.list('list.filter.and', { status: other, email: customer.email!, name: customer.last_name });
    kit.check('list.filter.and', page.total === 0 && page.data.length === 0, `no match for status ${other} with the email of a ${customer.status} customer`, `total ${page.total}`, exchange);
  });
});
