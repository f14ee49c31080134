import { describe, it } from 'vitest';
import { compareListOrder, discoverSample, PAGE_SIZE, walkPages, type CustomerList, type Exchange, type Walk } from '#contract-kit';
import { kit } from './support.js';

/** A page holds exactly what `skip`, `take` and `total` say it should, and says so. */
function expectPageShape(exchange: Exchange, page: CustomerList, skip: number, take: number): void {
  const expected = Math.max(0, Math.min(take, page.total - skip));
  const got = `${page.data.length} records, skip ${page.skip}, take ${page.take}, total ${page.total}`;
  kit.check(page.data.length === expected, `${expected} records (take ${take}, skip ${skip}, total ${page.total})`, got, exchange);
  kit.check(page.take === page.data.length, '`take` equal to the number of records returned', got, exchange);
  kit.check(page.skip === skip, `\`skip\` ${skip}, the skip applied`, got, exchange);
}

let walk: Promise<Walk> | undefined;
const wholeList = () => (walk ??= walkPages(kit));

describe('pagination', () => {
  it('without skip and take: the first 10 records', async () => {
    const { exchange, page } = await kit.list();
    expectPageShape(exchange, page, 0, 10);
  });

  it.each(['take=1', 'take=100'])('%s is accepted and honoured', async (query) => {
    const take = Number(query.split('=')[1]);
    const { exchange, page } = await kit.list(query);
    expectPageShape(exchange, page, 0, take);
  });

  // Only values no reading of the document could accept: `1e1`, say, is 10 to a server that parses numbers loosely.
  it.each(['take=0', 'take=101', 'take=-1', 'skip=-1', 'take=1.5', 'take=ten', 'skip=2.5'])('%s -> 400 naming the parameter', async (query) => {
    const exchange = await kit.send('listCustomers', { query });
    const body = kit.expectStatus<{ message: string | string[] }>(exchange, 400);
    const name = query.split('=')[0]!;
    const message = [body.message].flat().join(' ');
    kit.check(message.includes(name), `a message naming \`${name}\``, message, exchange);
  });

  it('total is the same on every page, and the pages hold every record once', async () => {
    const { pages, customers, complete } = await wholeList();
    const total = pages[0]!.page.total;
    for (const [index, { exchange, page }] of pages.entries()) {
      kit.check(page.total === total, `total ${total} on every page`, `total ${page.total} on page ${index + 1}`, exchange);
      expectPageShape(exchange, page, index * PAGE_SIZE, PAGE_SIZE);
    }
    const ids = customers.map((c) => c.id);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    kit.check(repeated.length === 0, 'no record on two pages', `repeated: ${[...new Set(repeated)].join(', ')}`, pages.at(-1)!.exchange);
    const expectedCount = complete ? total : pages.length * PAGE_SIZE;
    kit.check(customers.length === expectedCount, `${expectedCount} records over ${pages.length} pages (total ${total})`, `${customers.length}`, pages.at(-1)!.exchange);
  });

  it('records are ordered by createdAt descending, then id ascending, across pages', async (context) => {
    const { customers, pages } = await wholeList();
    if (customers.length < 2) return context.skip(`the list gave ${customers.length} record(s); ordering needs 2`);
    for (let i = 1; i < customers.length; i++) {
      const [a, b] = [customers[i - 1]!, customers[i]!];
      const at = (c: typeof a) => `${c.id} (createdAt ${c.createdAt})`;
      kit.check(compareListOrder(a, b) < 0, `${at(a)} before ${at(b)}`, `they are at positions ${i} and ${i + 1} in the wrong order`, pages[Math.floor(i / PAGE_SIZE)]!.exchange);
    }
  });

  it('the same request gives the same records in the same order', async (context) => {
    const first = await discoverSample(kit);
    if (first.customers.length < 2) return context.skip(`the list gave ${first.customers.length} record(s); ordering needs 2`);
    const again = await kit.list({ take: PAGE_SIZE });
    const ids = (c: readonly { id: string }[]) => c.map((x) => x.id).join(',');
    kit.check(ids(first.customers) === ids(again.page.data), `the order of the first request: ${ids(first.customers.slice(0, 5))}...`, `${ids(again.page.data.slice(0, 5))}...`, again.exchange);
  });

  it('skip past the end gives an empty page with the true total', async () => {
    const { total } = (await wholeList()).pages[0]!.page;
    const skip = total + 5;
    const { exchange, page } = await kit.list({ skip, take: 10 });
    kit.check(page.data.length === 0, 'no records', `${page.data.length} records`, exchange);
    kit.check(page.total === total, `total ${total}, as on the first page`, `total ${page.total}`, exchange);
    expectPageShape(exchange, page, skip, 10);
  });
});
