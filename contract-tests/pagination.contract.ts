import { describe, it } from 'vitest';
import { discoverSample, PAGE_SIZE, STATUSES, timestampOf, walkPages, type Customer, type CustomerList, type Exchange, type RuleId, type Walk } from '#contract-kit';
import { kit } from './support.js';

/** A page holds exactly the records `skip`, `take` and `total` say it should. */
function expectPageShape(exchange: Exchange, page: CustomerList, skip: number, take: number): void {
  const expected = Math.max(0, Math.min(take, page.total - skip));
  const got = `${page.data.length} records, skip ${page.skip}, take ${page.take}, total ${page.total}`;
  kit.check('list.page.size', page.data.length === expected, `${expected} records (take ${take}, skip ${skip}, total ${page.total})`, got, exchange);
  kit.check('list.page.size', page.skip === skip, `\`skip\` ${skip}, the skip applied`, got, exchange);
}

/** The list with a parameter out of its bounds: a 400 whose message names the parameter. */
async function expectRefused(rule: RuleId, query: string): Promise<void> {
  const exchange = await kit.send('listCustomers', { query });
  const body = kit.expectStatus<{ message: string | string[] }>(rule, exchange, 400);
  const name = query.split('=')[0]!;
  const message = [body.message].flat().join(' ');
  kit.check('request.validation', message.includes(name), `a message naming \`${name}\``, message, exchange);
}

const ids = (customers: readonly Customer[]) => customers.map((c) => c.id);

let walk: Promise<Walk> | undefined;
const wholeList = () => (walk ??= walkPages(kit, 'list.paging.complete'));

describe('pagination: both sides of every bound', () => {
  it('without skip and take: the first 10 records', async () => {
    const { exchange, page } = await kit.list('list.take.default');
    expectPageShape(exchange, page, 0, 10);
  });

  it.each(['take=1', 'take=100'])('%s (a bound of take) is accepted and honoured', async (query) => {
    const take = Number(query.split('=')[1]);
    const { exchange, page } = await kit.list('list.take.bounds', query);
    expectPageShape(exchange, page, 0, take);
  });

  it('skip=0 (the bound of skip) is the first page', async () => {
    const first = await discoverSample(kit);
    const { exchange, page } = await kit.list('list.skip.bounds', { skip: 0, take: PAGE_SIZE });
    kit.check('list.skip.bounds', ids(page.data).join() === ids(first.customers).join(), 'the records of the first page', `${ids(page.data.slice(0, 3)).join(', ')}...`, exchange);
  });

  // Only values no reading of the platform's sources could accept: `1e1`, say, is 10 to a server
  // that parses numbers loosely, and `1.5` is a number to api.yml (checked below, as a choice).
  it.each([
    ['take=0', 'list.take.bounds'],
    ['take=101', 'list.take.bounds'],
    ['take=-1', 'list.take.bounds'],
    ['take=ten', 'request.validation'],
    ['skip=-1', 'list.skip.bounds'],
  ] as const)('%s -> 400 naming the parameter', async (query, rule) => {
    await expectRefused(rule, query);
  });

  it.each(['take=1.5', 'skip=2.5'])('%s: a fraction where the document wants a whole number', async (query) => {
    const exchange = await kit.send('listCustomers', { query });
    const status = exchange.response.status;
    kit.check('request.validation', status === 400 || status === 200, 'a 400, or a 200 where numbers are accepted', `${status}`, exchange);
    kit.expectStatus('request.validation', exchange, status);
    kit.atRule('list.paging.whole-numbers', { observed: status === 400 ? 'refused' : 'accepted', expected: 'refused', asDocument: status === 400, detail: `${query} answered ${status}` }, exchange);
  });

  it('`take` in the envelope, on a page shorter than asked for', async (context) => {
    const { total } = await discoverSample(kit);
    if (total < 1) return kit.skip(context, 'the server has no customers: every page is empty', ['list.envelope.take']);
    const skip = Math.max(0, total - 3);
    const { exchange, page } = await kit.list('list.page.size', { skip, take: 7 });
    const observed = page.take === page.data.length ? 'returned' : page.take === 7 ? 'requested' : `other (${page.take})`;
    kit.atRule('list.envelope.take', { observed, expected: 'returned', asDocument: page.take === page.data.length, detail: `skip=${skip}&take=7 gave ${page.data.length} records with take ${page.take}` }, exchange);
  });

  it('skip past the end (skip has no maximum) gives an empty page with the true total', async () => {
    const { total } = (await wholeList()).pages[0]!.page;
    const skip = total + 5;
    const { exchange, page } = await kit.list('list.skip.bounds', { skip, take: 10 });
    kit.check('list.skip.bounds', page.data.length === 0, 'no records', `${page.data.length} records`, exchange);
    kit.check('list.total.consistent', page.total === total, `total ${total}, as on the first page`, `total ${page.total}`, exchange);
    expectPageShape(exchange, page, skip, 10);
  });
});

describe('paging: totals, completeness, order', () => {
  it('total is the same on every page, and the pages hold every record once', async () => {
    const { pages, customers, complete } = await wholeList();
    const total = pages[0]!.page.total;
    for (const [index, { exchange, page }] of pages.entries()) {
      kit.check('list.total.consistent', page.total === total, `total ${total} on every page`, `total ${page.total} on page ${index + 1}`, exchange);
      expectPageShape(exchange, page, index * PAGE_SIZE, PAGE_SIZE);
    }
    const all = ids(customers);
    const repeated = all.filter((id, i) => all.indexOf(id) !== i);
    kit.check('list.paging.complete', repeated.length === 0, 'no record on two pages', `repeated: ${[...new Set(repeated)].join(', ')}`, pages.at(-1)!.exchange);
    const expectedCount = complete ? total : pages.length * PAGE_SIZE;
    kit.check('list.total.consistent', customers.length === expectedCount, `${expectedCount} records over ${pages.length} pages (total ${total})`, `${customers.length}`, pages.at(-1)!.exchange);
  });

  // Paging that shifts every page alike (an off-by-one skip) stitches its pages together seamlessly
  // and misses only the first record of each list. Each status's own paging must still visit every
  // record of that status the unfiltered paging found, whatever the order of either list.
  it('paging a status filter visits every record of that status the unfiltered paging visits', async (context) => {
    const unfiltered = await wholeList();
    if (!unfiltered.complete) return kit.skip(context, `the unfiltered list is longer than ${kit.settings.maxPages} pages`, []);
    for (const status of STATUSES) {
      const filtered = await walkPages(kit, 'list.paging.complete', { status });
      if (!filtered.complete) continue;
      const visited = new Set(ids(filtered.customers));
      const missed = unfiltered.customers.find((c) => c.status === status && !visited.has(c.id));
      if (!missed) continue;
      // Another client may have changed the record between the walks: it must still have the status.
      const fetched = await kit.send('fetchCustomer', { params: { id: missed.id } });
      const stillMatching = fetched.response.status === 200 && (fetched.response.body as Customer).status === status;
      const last = filtered.pages.at(-1)!.exchange;
      kit.check('list.paging.complete', !stillMatching, `customer ${missed.id} (${status}, listed unfiltered) on a page of status=${status}`, `${filtered.pages.length} page(s) of status=${status} (total ${filtered.pages[0]!.page.total}) visited ${filtered.customers.length} records without it`, last);
    }
  });

  it('deep offsets: overlapping pages near the end agree record for record', async (context) => {
    const { total } = await discoverSample(kit);
    if (total < 60) return kit.skip(context, `the list has ${total} records; deep paging needs 60`, []);
    const deep = Math.max(0, total - 120);
    const first = await kit.list('list.paging.complete', { skip: deep, take: 100 });
    const second = await kit.list('list.paging.complete', { skip: deep + 50, take: 100 });
    expectPageShape(first.exchange, first.page, deep, 100);
    expectPageShape(second.exchange, second.page, deep + 50, 100);
    const overlap = ids(first.page.data.slice(50));
    const again = ids(second.page.data.slice(0, overlap.length));
    kit.check('list.paging.complete', overlap.join() === again.join(), `records ${deep + 50}-${deep + 49 + overlap.length} the same on both pages`, `${again.slice(0, 3).join(', ')}... instead of ${overlap.slice(0, 3).join(', ')}...`, second.exchange);
  });

  it('the order of the list', async (context) => {
    const { customers, pages } = await wholeList();
    if (customers.length < 2) return kit.skip(context, `the list gave ${customers.length} record(s); ordering needs 2`, ['list.order']);
    const times = customers.map((c) => Date.parse(timestampOf(c, 'created') ?? ''));
    const pairs = times.slice(1).map((t, i) => [times[i]!, t] as const);
    const newestFirst = customers.slice(1).every((b, i) => {
      const a = customers[i]!;
      return times[i]! > times[i + 1]! || (times[i] === times[i + 1] && a.id < b.id);
    });
    const oldestFirst = pairs.every(([a, b]) => a <= b);
    const observed = newestFirst ? 'newest-first' : oldestFirst ? 'oldest-first' : 'another order';
    const detail = `the first records' creation times: ${times.slice(0, 3).map((t) => new Date(t).toISOString()).join(', ')}`;
    kit.atRule('list.order', { observed, expected: 'newest-first', asDocument: newestFirst, detail }, pages[0]!.exchange);
  });

  it('the same request gives the same records in the same order', async (context) => {
    const first = await discoverSample(kit);
    if (first.customers.length < 2) return kit.skip(context, `the list gave ${first.customers.length} record(s); ordering needs 2`, []);
    const again = await kit.list('list.paging.complete', { take: PAGE_SIZE });
    kit.check('list.paging.complete', ids(first.customers).join() === ids(again.page.data).join(), `the order of the first request: ${ids(first.customers.slice(0, 5)).join(', ')}...`, `${ids(again.page.data.slice(0, 5)).join(', ')}...`, again.exchange);
  });
});
