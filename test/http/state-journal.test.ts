import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { customerCheck } from '../../src/engine.js';
import { createMock, type StartOptions } from '../../src/node-mock.js';
import type { CustomerCheck } from '../../src/store/data-file.js';
import { loadState, UnwritableStateError } from '../../src/store/durable-state.js';
import { FSYNC_PROMISES } from '../../src/store/fsync-policy.js';
import { runInSlices } from '../../src/domain/slices.js';
import { encodeLine, encodingLine, STATE_FORMAT_VERSION, StateFileError } from '../../src/store/state-format.js';
import { aCustomer } from '../support/customers.js';
import { FailingFileSystem } from '../support/failing-file-system.js';
import { InProcessMock } from '../support/mock.js';
import { stateFolders } from '../support/state-folders.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

const { freshState, track, stop } = stateFolders('mock-journal-');
let check: CustomerCheck;

beforeAll(async () => {
  check = customerCheck(await getSpecModel());
});

async function start(stateFile: string, options: StartOptions = {}, count = 10): Promise<InProcessMock> {
  return track(new InProcessMock(await createMock({ count, rateLimit: 0, stateFile }, options)));
}

const byId = (customers: readonly Customer[]) => [...customers].sort((a, b) => a.id.localeCompare(b.id));
const onDisk = (stateFile: string) => byId(loadState(stateFile, check).customers);
/** The snapshot and its journals (the lock and the journal's reach, FILE.lock and FILE.reached, aside). */
const filesOf = (stateFile: string) =>
  readdirSync(join(stateFile, '..'))
    // The lock, and the journal's reach, whose temporary copy is there while it is rewritten after a flush.
    .filter((name) => !name.endsWith('.lock') && !/\.reached(\.\d+\.tmp)?$/.test(name))
    .sort();
const newCustomer = (n: number) => ({ first_name: 'Journal', last_name: `Entry${n}`, phone_number: '+14155550100', email: `journal.${n}@example.com` });

describe('--state journal, in process', () => {
  it('has every acknowledged write, admin replace and reset included, on disk when it is answered', async () => {
    const state = freshState();
    const mock = await start(state);
    expect(onDisk(state)).toEqual(byId(mock.store.customers()));
    const created = await mock.request('POST', '/api/v0/customers', { body: newCustomer(1) });
    expect(created.status).toBe(201);
    expect(onDisk(state)).toContainEqual(created.body);
    const updated = await mock.request('PATCH', `/api/v0/customers/${created.body.id}`, { body: { status: 'BLACKLISTED', reason: 'test' } });
    expect(onDisk(state)).toContainEqual(updated.body);
    expect((await mock.request('DELETE', `/api/v0/customers/${created.body.id}`)).status).toBe(200);
    expect(onDisk(state).map((c) => c.id)).not.toContain(created.body.id);

    const before = filesOf(state).map((name) => readFileSync(join(state, '..', name)));
    expect((await mock.request('POST', '/api/v0/customers', { body: { first_name: 'A' } })).status).toBe(400);
    expect((await mock.request('PUT', '/__admin/customers', { body: [{ id: 'bad' }] })).status).toBe(400);
    expect(filesOf(state).map((name) => readFileSync(join(state, '..', name)))).toEqual(before);

    const replacement = [aCustomer(), aCustomer()];
    expect((await mock.request('PUT', '/__admin/customers', { body: replacement })).status).toBe(200);
    expect(onDisk(state)).toEqual(byId(replacement));
    expect((await mock.request('POST', '/__admin/reset')).body).toEqual({ customers: 10 });
    expect(onDisk(state)).toEqual(byId(mock.store.customers()));
    expect(onDisk(state)).toHaveLength(10);
  });

  it('resets to the data set it started with, the loaded state included, and a restart keeps the reset', async () => {
    const state = freshState();
    const first = await start(state);
    const kept = (await first.request('POST', '/api/v0/customers', { body: newCustomer(1) })).body;
    await stop(first);

    const second = await start(state);
    expect(second.mock.dataSource).toBe(`state file ${state}`);
    const loaded = byId(second.store.customers());
    expect(loaded.map((c) => c.id)).toContain(kept.id);
    const dropped = (await second.request('POST', '/api/v0/customers', { body: newCustomer(2) })).body;
    await second.request('DELETE', `/api/v0/customers/${kept.id}`);
    expect((await second.request('POST', '/__admin/reset')).body).toEqual({ customers: 11 });
    expect(byId(second.store.customers())).toEqual(loaded);
    expect((await second.request('GET', `/api/v0/customers/${dropped.id}`)).status).toBe(404);
    await stop(second);

    const third = await start(state);
    expect(byId(third.store.customers())).toEqual(loaded);
  });

  it('never generates the seed data set when there is state to load', async () => {
    const state = freshState();
    await stop(await start(state, {}, 3));
    let seeded = false;
    const mock = await start(state, { onSeedProgress: () => (seeded = true) }, 100_000);
    expect(mock.store.size).toBe(3);
    expect(seeded).toBe(false);
  });

  it('answers a write it cannot save with a 503 in the API error format, keeps none of it, and serves reads', async () => {
    const state = freshState();
    const disk = new FailingFileSystem();
    const warnings: string[] = [];
    const mock = await start(state, { stateFileSystem: disk, onStateWarning: (message) => warnings.push(message) });
    const [victim] = mock.store.customers();
    const before = byId(mock.store.customers());
    disk.failWith('ENOSPC');

    const refused = await Promise.all([
      mock.request('POST', '/api/v0/customers', { body: newCustomer(1) }),
      mock.request('POST', '/api/v0/customers', { body: newCustomer(2) }),
      mock.request('PATCH', `/api/v0/customers/${victim!.id}`, { body: { first_name: 'Changed' } }),
      mock.request('DELETE', `/api/v0/customers/${victim!.id}`),
      mock.request('PUT', '/__admin/customers', { body: [aCustomer()] }),
      mock.request('POST', '/__admin/reset'),
    ]);
    for (const response of refused) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ statusCode: 503, message: expect.stringContaining('ENOSPC'), error: 'Service Unavailable' });
    }
    expect(byId(mock.store.customers())).toEqual(before);
    expect(storeInvariantProblems(mock.store)).toEqual([]);
    const list = await mock.request('GET', '/api/v0/customers?take=100');
    expect(list.status).toBe(200);
    expect(byId(list.body.data)).toEqual(before);
    expect((await mock.request('GET', `/api/v0/customers/${victim!.id}`)).body).toEqual(victim);
    expect((await mock.request('GET', '/api/v0/customers?email=journal.1@example.com')).body.total).toBe(0);
    expect(warnings.join('\n')).toMatch(/ENOSPC/);

    disk.heal();
    const created = await mock.request('POST', '/api/v0/customers', { body: newCustomer(1) });
    expect(created.status).toBe(201);
    await stop(mock);
    expect(onDisk(state)).toEqual(byId([...before, created.body]));
  });

  it('writes a snapshot beside requests, then keeps one journal, and loads the same after a restart', async () => {
    const state = freshState();
    const mock = await start(state);
    for (let n = 0; n < 20; n++) await mock.request('POST', '/api/v0/customers', { body: newCustomer(n) });
    const during = Array.from({ length: 20 }, (_, n) => mock.request('POST', '/api/v0/customers', { body: newCustomer(100 + n) }));
    await Promise.all([mock.mock.state!.compact(), ...during]);
    await mock.request('POST', '/api/v0/customers', { body: newCustomer(200) });
    expect(filesOf(state)).toEqual(['s.json', 's.json.journal.2']);
    const served = byId(mock.store.customers());
    expect(served).toHaveLength(51);
    await stop(mock);
    expect(onDisk(state)).toEqual(served);
  });

  it('keeps every write in the journal when a snapshot cannot be written', async () => {
    const state = freshState();
    const disk = new FailingFileSystem();
    const warnings: string[] = [];
    const mock = await start(state, { stateFileSystem: disk, onStateWarning: (message) => warnings.push(message) });
    await mock.request('POST', '/api/v0/customers', { body: newCustomer(1) });
    disk.failWith('ENOSPC', (path) => path === `${state}.${process.pid}.tmp`);
    await mock.mock.state!.compact();
    expect(warnings.join('\n')).toMatch(/could not write a new snapshot.*ENOSPC.*the journal still holds every write/);
    expect((await mock.request('POST', '/api/v0/customers', { body: newCustomer(2) })).status).toBe(201);
    const served = byId(mock.store.customers());
    await stop(mock);
    expect(filesOf(state)).toEqual(['s.json', 's.json.journal.1', 's.json.journal.2']);
    expect(onDisk(state)).toEqual(served);
  });

  it('loads an older single-JSON state file once, then rewrites it as a snapshot', async () => {
    const state = freshState();
    const legacy = [aCustomer(), aCustomer()];
    writeFileSync(state, JSON.stringify(legacy));
    const mock = await start(state);
    expect(byId(mock.store.customers())).toEqual(byId(legacy));
    await mock.mock.state!.compact();
    expect(readFileSync(state, 'utf8')).toMatch(new RegExp(`^[0-9a-f]{8} \\{"format":"customers-mock-state","version":${STATE_FORMAT_VERSION},"kind":"snapshot"`));
    await stop(mock);
    // The next journal is created by the next write.
    expect(filesOf(state)).toEqual(['s.json']);
    expect(onDisk(state)).toEqual(byId(legacy));
  });

  it('loads a version 2 state (a put record per customer) and writes its next snapshot as version 3 rows', async () => {
    const state = freshState();
    const [kept, deleted, added] = [aCustomer(), aCustomer(), aCustomer()];
    const v2Header = (kind: string, records?: number) => ({ format: 'customers-mock-state', version: 2, kind, generation: 1, ...(records === undefined ? {} : { records }) });
    writeFileSync(state, [v2Header('snapshot', 2), { type: 'put', customer: kept }, { type: 'put', customer: deleted }].map(encodeLine).join(''));
    writeFileSync(`${state}.journal.1`, [v2Header('journal'), { type: 'delete', id: deleted.id }, { type: 'put', customer: added }].map(encodeLine).join(''));
    const mock = await start(state);
    expect(byId(mock.store.customers())).toEqual(byId([kept, added]));
    await mock.mock.state!.compact();
    await stop(mock);
    const [header, ...records] = readFileSync(state, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line.slice(9)) as Record<string, unknown>);
    expect(header).toMatchObject({ version: STATE_FORMAT_VERSION, records: 2, customerFields: Object.keys(kept) });
    expect(records).toEqual([{ type: 'customers', rows: expect.any(Array) }]);
    expect(onDisk(state)).toEqual(byId([kept, added]));
  });

  describe('a reset or replace too large for one record (past 20 customers here, 100,000 by default)', () => {
    const large = { stateJournaledCustomersMax: 20 };
    const journalRecords = (state: string) =>
      filesOf(state)
        .filter((name) => name.includes('.journal.'))
        .flatMap((name) => readFileSync(join(state, '..', name), 'utf8').split('\n').slice(1, -1))
        .map((line) => JSON.parse(line.slice(9)) as { type: string });

    it('is saved as a new snapshot, and the writes sent behind it are acknowledged only once it is on disk', async () => {
      const state = freshState();
      const mock = await start(state, large, 30);
      const started = byId(mock.store.customers());
      const created = (await mock.request('POST', '/api/v0/customers', { body: newCustomer(1) })).body;
      const [reset, [behind, onDiskWhenAnswered]] = await Promise.all([
        mock.request('POST', '/__admin/reset'),
        mock.request('POST', '/api/v0/customers', { body: newCustomer(2) }).then((response) => [response, onDisk(state)] as const),
      ]);
      expect(reset.body).toEqual({ customers: 30 });
      expect(behind.status).toBe(201);
      expect(onDiskWhenAnswered).toEqual(byId([...started, behind.body]));
      expect(onDisk(state)).toEqual(byId([...started, behind.body]));
      expect(onDisk(state).map((c) => c.id)).not.toContain(created.id);
      expect(filesOf(state)).toEqual(['s.json', 's.json.journal.2']);
      expect(journalRecords(state).map((record) => record.type)).toEqual(['put']);

      const small = [aCustomer(), aCustomer()];
      expect((await mock.request('PUT', '/__admin/customers', { body: small })).status).toBe(200);
      expect(journalRecords(state).map((record) => record.type)).toEqual(['put', 'replace']);
      expect((await mock.request('POST', '/__admin/reset')).status).toBe(200);
      expect(filesOf(state)).toEqual(['s.json', 's.json.journal.3']);
      const served = byId(mock.store.customers());
      await stop(mock);
      expect(onDisk(state)).toEqual(served);
      expect(byId((await start(state, large, 30)).store.customers())).toEqual(served);
    });

    it('is taken back, with every write behind it, when its snapshot cannot be written', async () => {
      const state = freshState();
      const disk = new FailingFileSystem();
      const warnings: string[] = [];
      const mock = await start(state, { ...large, stateFileSystem: disk, onStateWarning: (message) => warnings.push(message) }, 30);
      const created = (await mock.request('POST', '/api/v0/customers', { body: newCustomer(1) })).body;
      const before = byId(mock.store.customers());
      disk.failWith('ENOSPC', (path) => path.endsWith('.tmp'));
      const [reset, behind] = await Promise.all([mock.request('POST', '/__admin/reset'), mock.request('POST', '/api/v0/customers', { body: newCustomer(2) })]);
      for (const refused of [reset, behind]) {
        expect(refused.status).toBe(503);
        expect(refused.body).toEqual({ statusCode: 503, message: expect.stringContaining('ENOSPC'), error: 'Service Unavailable' });
      }
      expect(byId(mock.store.customers())).toEqual(before);
      expect(storeInvariantProblems(mock.store)).toEqual([]);
      expect((await mock.request('GET', `/api/v0/customers/${created.id}`)).status).toBe(200);

      disk.heal();
      const after = await mock.request('POST', '/api/v0/customers', { body: newCustomer(3) });
      expect(after.status).toBe(201);
      await stop(mock);
      expect(onDisk(state)).toEqual(byId([...before, after.body]));
    });
  });

  describe('a reset or replace of thousands of customers (one record, encoded in slices and written through the thread pool)', () => {
    const MANY = 5000;
    const journalTypes = (state: string) =>
      readFileSync(`${state}.journal.1`, 'utf8')
        .split('\n')
        .slice(1, -1)
        .map((line) => (JSON.parse(line.slice(9)) as { type: string }).type);

    it('is written whole and in order: the writes sent behind it are acknowledged after it, and a restart loads it', async () => {
      const state = freshState();
      const mock = await start(state);
      const replacement = Array.from({ length: MANY }, () => aCustomer());
      // Turns of the event loop while it is written: one when it is encoded and written at once.
      let turns = 0;
      let written = false;
      const turn = () => {
        if (written) return;
        turns++;
        setImmediate(turn);
      };
      setImmediate(turn);
      const replacing = mock.request('PUT', '/__admin/customers', { body: replacement });
      // Sent once the replace is made (in memory, its record not yet written): the create is then
      // journaled behind it. (Sent together, the create could come first: a replace is indexed in slices.)
      while (mock.store.size !== MANY) await new Promise((resolve) => setImmediate(resolve));
      const [replaced, behind] = await Promise.all([replacing, mock.request('POST', '/api/v0/customers', { body: newCustomer(1) })]);
      written = true;
      expect(replaced.body).toEqual({ customers: MANY });
      expect(behind.status).toBe(201);
      expect(turns).toBeGreaterThanOrEqual(5);
      expect(journalTypes(state)).toEqual(['replace', 'put']);
      await stop(mock);
      const warnings: string[] = [];
      const restarted = await start(state, { onStateWarning: (message) => warnings.push(message) });
      expect(byId(restarted.store.customers())).toEqual(byId([...replacement, behind.body]));
      expect(warnings).toEqual([]);
    });

    it('is taken back, with every write behind it, when it cannot be written, and leaves no part of it in the journal', async () => {
      const state = freshState();
      const disk = new FailingFileSystem();
      const warnings: string[] = [];
      const mock = await start(state, { stateFileSystem: disk, onStateWarning: (message) => warnings.push(message) });
      const before = byId(mock.store.customers());
      const journalSize = statSync(`${state}.journal.1`).size;
      disk.failWith('ENOSPC', (path) => path.includes('.journal.'));
      const [replaced, behind] = await Promise.all([
        mock.request('PUT', '/__admin/customers', { body: Array.from({ length: MANY }, () => aCustomer()) }),
        mock.request('POST', '/api/v0/customers', { body: newCustomer(1) }),
      ]);
      for (const refused of [replaced, behind]) {
        expect(refused.status).toBe(503);
        expect(refused.body).toEqual({ statusCode: 503, message: expect.stringContaining('ENOSPC'), error: 'Service Unavailable' });
      }
      expect(byId(mock.store.customers())).toEqual(before);
      expect(storeInvariantProblems(mock.store)).toEqual([]);
      expect(statSync(`${state}.journal.1`).size).toBe(journalSize);

      disk.heal();
      const after = await mock.request('POST', '/api/v0/customers', { body: newCustomer(2) });
      expect(after.status).toBe(201);
      await stop(mock);
      expect(journalTypes(state)).toEqual(['put']);
      expect(onDisk(state)).toEqual(byId([...before, after.body]));
    });

    it('torn by a crash while it was written, longer than a read of the file, is cut off at the restart', async () => {
      const state = freshState();
      const mock = await start(state);
      const created = await mock.request('POST', '/api/v0/customers', { body: newCustomer(1) });
      const served = byId(mock.store.customers());
      await stop(mock);
      const journal = `${state}.journal.1`;
      const whole = statSync(journal).size;
      // Past the 8 MiB that readLines reads at a time: the torn record is gathered from several reads.
      const record = Buffer.concat(await runInSlices(encodingLine({ type: 'replace', customers: Array.from({ length: 30_000 }, () => aCustomer()) })));
      const torn = record.subarray(0, record.length - 1000);
      expect(torn.length).toBeGreaterThan(8 * 1024 * 1024);
      appendFileSync(journal, torn);

      const warnings: string[] = [];
      const restarted = await start(state, { onStateWarning: (message) => warnings.push(message) });
      expect(warnings).toEqual([expect.stringContaining(`${journal}: cut off a torn record at byte ${whole} (${torn.length} bytes)`)]);
      expect(byId(restarted.store.customers())).toEqual(served);
      expect(served.map((customer) => customer.id)).toContain(created.body.id);
      expect(statSync(journal).size).toBe(whole);
    });
  });

  it('cuts off a torn last record with a warning and keeps every acknowledged write before it', async () => {
    const state = freshState();
    const mock = await start(state);
    for (let n = 0; n < 3; n++) await mock.request('POST', '/api/v0/customers', { body: newCustomer(n) });
    const served = byId(mock.store.customers());
    await stop(mock);
    const journal = `${state}.journal.1`;
    const whole = statSync(journal).size;
    const record = encodeLine({ type: 'put', customer: aCustomer() });
    appendFileSync(journal, record.slice(0, record.length - 7));

    const warnings: string[] = [];
    const restarted = await start(state, { onStateWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      `${journal}: cut off a torn record at byte ${whole} (${record.length - 7} bytes): a write a crash interrupted before it was answered; after a power loss or OS crash, it may be one answered in the last moments: ${FSYNC_PROMISES.batch}`,
    ]);
    expect(byId(restarted.store.customers())).toEqual(served);
    expect(statSync(journal).size).toBe(whole);
    expect((await restarted.request('POST', '/api/v0/customers', { body: newCustomer(9) })).status).toBe(201);
    await stop(restarted);
    expect(onDisk(state)).toHaveLength(served.length + 1);
  });
});

describe('--state files that cannot load: an error naming the file and the byte offset, nothing overwritten', () => {
  /** A stopped state of 10 seeded customers and 2 journaled creates. */
  async function savedState(): Promise<string> {
    const state = freshState();
    const mock = await start(state);
    for (let n = 0; n < 2; n++) await mock.request('POST', '/api/v0/customers', { body: newCustomer(n) });
    await stop(mock);
    return state;
  }

  /** Replaces line `index` (0 = header) of the file with `line`; returns that line's byte offset. */
  function rewriteLine(path: string, index: number, change: (line: string) => string): number {
    const lines = readFileSync(path, 'utf8').split('\n');
    const offset = Buffer.byteLength(lines.slice(0, index).map((line) => `${line}\n`).join(''));
    lines[index] = change(lines[index]!);
    writeFileSync(path, lines.join('\n'));
    return offset;
  }

  async function expectRefusal(state: string, file: string, offset: number, problem: RegExp): Promise<void> {
    const contents = () => filesOf(state).map((name) => [name, readFileSync(join(state, '..', name), 'latin1')]);
    const before = contents();
    const error = await createMock({ count: 10, stateFile: state }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StateFileError);
    expect(error).toMatchObject({ file, offset });
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message).toContain(`${file}: `);
    expect((error as Error).message).toContain(`(at byte ${offset})`);
    expect(contents()).toEqual(before);
  }

  it('a snapshot with a damaged record', async () => {
    const state = await savedState();
    const offset = rewriteLine(state, 1, (line) => line.replace('"rows":[["', '"rows":[["X'));
    await expectRefusal(state, state, offset, /damaged record/);
  });

  it('a snapshot with a customer row of other fields than its header names', async () => {
    const state = await savedState();
    const offset = rewriteLine(state, 1, (line) => {
      const record = JSON.parse(line.slice(9)) as { rows: unknown[][] };
      record.rows[3]!.pop();
      return encodeLine(record).trimEnd();
    });
    await expectRefusal(state, state, offset, /a customer row of other than the header's 12 fields/);
  });

  it('a snapshot cut short', async () => {
    const state = await savedState();
    const text = readFileSync(state, 'utf8');
    const lastLine = text.lastIndexOf('\n', text.length - 2) + 1;
    writeFileSync(state, text.slice(0, lastLine + 20));
    await expectRefusal(state, state, lastLine, /ends in the middle of a record/);
  });

  it('a snapshot from a newer format', async () => {
    const state = await savedState();
    const newer = STATE_FORMAT_VERSION + 1;
    rewriteLine(state, 0, (line) => encodeLine({ ...JSON.parse(line.slice(9)), version: newer }).trimEnd());
    await expectRefusal(state, state, 0, new RegExp(`newer customers-mock \\(state format version ${newer}; this one reads version ${STATE_FORMAT_VERSION}\\)`));
  });

  it('a snapshot holding a record only a journal may hold', async () => {
    const state = await savedState();
    const offset = rewriteLine(state, 1, (line) => encodeLine({ type: 'delete', id: (JSON.parse(line.slice(9)) as { rows: string[][] }).rows[0]![0] }).trimEnd());
    await expectRefusal(state, state, offset, /a snapshot holds put and sandbox records only, not "delete"/);
  });

  it('a journal from a newer format', async () => {
    const state = await savedState();
    const journal = `${state}.journal.1`;
    rewriteLine(journal, 0, (line) => encodeLine({ ...JSON.parse(line.slice(9)), version: 7 }).trimEnd());
    await expectRefusal(state, journal, 0, /newer customers-mock \(state format version 7/);
  });

  it('a journal damaged before whole records (damage, not a torn tail)', async () => {
    const state = await savedState();
    const journal = `${state}.journal.1`;
    const offset = rewriteLine(journal, 1, (line) => line.replace('Entry0', 'Entry9'));
    await expectRefusal(state, journal, offset, /damaged record with whole records after it/);
  });

  it('a journal with a record type this version does not know', async () => {
    const state = await savedState();
    const journal = `${state}.journal.1`;
    const offset = rewriteLine(journal, 2, () => encodeLine({ type: 'sandbox-create', sandbox: 'x' }).trimEnd());
    await expectRefusal(state, journal, offset, /unknown record type "sandbox-create"/);
  });

  it.each([
    ['cut inside its header', (header: number) => header - 5, /its header is damaged \(it ends after \d+ bytes, inside its header\)/],
    ['cut to nothing', () => 0, /its header is damaged \(it is empty\)/],
  ])('a journal %s: a damaged header, whatever the records after it', async (_what, cutAt, problem) => {
    const state = await savedState();
    const journal = `${state}.journal.1`;
    const header = readFileSync(journal, 'utf8').indexOf('\n') + 1;
    writeFileSync(journal, readFileSync(journal).subarray(0, cutAt(header)));
    await expectRefusal(state, journal, 0, problem);
  });

  it('a journal with a damaged header from a newer format: named by its version', async () => {
    const state = await savedState();
    const journal = `${state}.journal.1`;
    rewriteLine(journal, 0, (line) => line.replace(`"version":${STATE_FORMAT_VERSION}`, '"version":12').replace(/^[0-9a-f]{8}/, 'zzzzzzzz'));
    await expectRefusal(state, journal, 0, /newer customers-mock \(state format version 12/);
  });

  it.each([
    ['inside its last record', (lines: number[]) => lines.at(-1)! - 3],
    ['at a record boundary', (lines: number[]) => lines.at(-2)!],
  ])('a journal cut %s, below what it was known to hold on the disk: damage, not a shorter history', async (_what, cutAt) => {
    const state = await savedState();
    const journal = `${state}.journal.1`;
    const bytes = readFileSync(journal);
    const lineEnds = [...bytes.entries()].filter(([, byte]) => byte === 0x0a).map(([at]) => at + 1);
    const cut = cutAt(lineEnds);
    writeFileSync(journal, bytes.subarray(0, cut));
    const end = lineEnds.filter((at) => at <= cut).at(-1)!;
    await expectRefusal(state, journal, end, new RegExp(`short of the ${bytes.length} bytes it was known to hold on the disk: it was cut or damaged`));
  });

  it('a journal the reach names that is gone', async () => {
    const state = await savedState();
    rmSync(`${state}.journal.1`);
    await expectRefusal(state, `${state}.journal.1`, 0, /missing, but it was on the disk with \d+ bytes/);
  });

  it('a journal whose snapshot is gone', async () => {
    const state = await savedState();
    rmSync(state);
    await expectRefusal(state, `${state}.journal.1`, 0, /a journal without its snapshot/);
  });

  it.each([
    ['a missing folder', (state: string) => ({ stateFile: join(state, '..', 'missing', 's.json') }), {}],
    ['a folder that refuses writes', (state: string) => ({ stateFile: state }), { failWith: 'EACCES' }],
  ])('%s is an error at start', async (_what, config, setup) => {
    const disk = new FailingFileSystem();
    if ('failWith' in setup) disk.failWith(setup.failWith);
    const error = await createMock({ count: 10, ...config(freshState()) }, { stateFileSystem: disk }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnwritableStateError);
    expect((error as Error).message).toMatch(/^cannot write the state beside it in .*: (ENOENT|EACCES)/);
  });
});
