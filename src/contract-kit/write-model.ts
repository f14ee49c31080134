import fc from 'fast-check';
import type { Customer, CustomerStatus, CustomerType } from '../domain/customer.js';
import { CUSTOMER_DEFAULTS, CUSTOMER_STATUSES, CUSTOMER_TYPES } from '../openapi/contract-facts.generated.js';
import { timestampOf } from './discovery.js';
import { ContractFailure } from './failure.js';
import { isNotSent, type ContractKit, type Exchange } from './kit.js';
import { OwnRecords } from './own-records.js';

/** The kit's own records as a correct server must show them: the fields the kit chose. */
interface ModelRecord {
  readonly id: string;
  readonly fields: Readonly<Record<(typeof COMPARED)[number], string | null>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Order of creation, for the list's order. */
  readonly created: number;
}

interface Model {
  readonly records: Map<string, ModelRecord>;
  /** The emails of deleted records, for the email view after a delete. */
  readonly deletedEmails: Map<string, string | null>;
  created: number;
}

/** The live side: the kit, the run's records, and what the model run needs to know of the server. */
export interface WriteRun {
  readonly kit: ContractKit;
  readonly own: OwnRecords;
  readonly deleteRouted: boolean;
  /** The unfiltered totals when the run began, for `--exclusive` runs. */
  readonly baseline: { total: number; byStatus: Readonly<Record<CustomerStatus, number>> } | undefined;
}

const COMPARED = ['first_name', 'last_name', 'email', 'phone_number', 'customer_type', 'status'] as const;
/**
 * The statuses every platform source has. `DELETED` (api.yml and the SDKs, not the docs pages) is
 * the document's status-deleted choice: a deployment may refuse it, so the kit never writes it and
 * observes it apart (the status-totals check).
 */
export const STATUSES: readonly CustomerStatus[] = CUSTOMER_STATUSES.filter((status) => status !== 'DELETED');
/** The most records one sequence keeps alive, so every view of them fits one page. */
const MAX_LIVE = 8;
/** Sequences per run and their longest length: some 25 steps in all, each checked in every view. */
const SEQUENCES = 3;
const MAX_COMMANDS = 15;

type Command = fc.AsyncCommand<Model, WriteRun>;

const phone = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 14 })).chain(([lead, rest]) =>
  fc.stringMatching(new RegExp(`^[0-9]{${rest}}$`)).map((digits) => `+${lead}${digits}`),
);
/** Letters only: a random name part cannot collide with the run's tag or break the name lookups. */
const namePart = fc.stringMatching(/^[A-Za-z]{1,12}$/);

function describeRecord(record: ModelRecord): string {
  return `${record.id} ${JSON.stringify(record.fields)}`;
}

function fieldsOf(customer: Customer): ModelRecord['fields'] {
  return Object.fromEntries(COMPARED.map((k) => [k, (customer[k] as string | null | undefined) ?? null])) as ModelRecord['fields'];
}

function sameFields(customer: Customer, record: ModelRecord): boolean {
  return COMPARED.every((k) => customer[k] === record.fields[k]);
}

/** The server's clock at the response, from its `Date` header (whole seconds), else the kit's. */
function serverTime(exchange: Exchange): { at: number; resolutionMs: number } {
  const date = Date.parse(exchange.response.headers.get('date') ?? '');
  return Number.isNaN(date) ? { at: Date.now(), resolutionMs: 0 } : { at: date, resolutionMs: 1000 };
}

/** Every read view of the run's records agrees with the model. */
async function checkViews(model: Model, run: WriteRun, touched: string): Promise<void> {
  const kit: ContractKit = run.kit;
  const own = run.own;
  const live = [...model.records.values()].sort((a, b) => b.created - a.created);
  // Fetch by id: the touched record as the model has it, or a 404 once deleted.
  const record = model.records.get(touched);
  const fetch = await kit.send('fetchCustomer', { params: { id: touched } });
  if (!record) kit.expectStatus(fetch, 404);
  else {
    const fetched = kit.expectStatus<Customer>(fetch, 200);
    kit.check(sameFields(fetched, record), `fetch by id: ${describeRecord(record)}`, JSON.stringify(fetched), fetch);
  }
  // The name filter on the run's tag: exactly the live records, with a total to match.
  const expectExactly = async (query: Record<string, string>, expected: readonly ModelRecord[], view: string) => {
    const { exchange, page } = await kit.list({ ...query, take: 100 });
    const got = new Map(page.data.map((c) => [c.id, c]));
    const missing = expected.filter((r) => !got.has(r.id));
    const stale = expected.filter((r) => got.has(r.id) && !sameFields(got.get(r.id)!, r));
    const strays = page.data.filter((c) => !expected.some((r) => r.id === c.id));
    const problems = [
      ...missing.map((r) => `missing ${r.id}`),
      ...stale.map((r) => `${r.id} shows ${JSON.stringify(fieldsOf(got.get(r.id)!))}`),
      ...strays.map((c) => `unexpected ${c.id}`),
      ...(page.total === expected.length ? [] : [`total ${page.total}`]),
    ];
    kit.check(problems.length === 0, `${view}: the run's ${expected.length} record(s) ${expected.map(describeRecord).join('; ') || '(none)'}, total ${expected.length}`, problems.join('; '), exchange);
  };
  await expectExactly({ name: own.tag }, live, `name=${own.tag}`);
  for (const status of STATUSES) await expectExactly({ name: own.tag, status }, live.filter((r) => r.fields.status === status), `name=${own.tag}&status=${status}`);
  // The name filter on the touched record's own first name, which an update may just have changed.
  if (record) {
    const { exchange, page } = await kit.list({ name: record.fields.first_name!, take: 100 });
    kit.check(page.data.some((c) => c.id === record.id), `name=${record.fields.first_name}: ${record.id} among the matches`, `${page.total} matches without it`, exchange);
  }
  const email = record?.fields.email ?? model.deletedEmails.get(touched);
  if (email) await expectExactly({ email }, record ? [record] : [], `email=${email}`);
  // The unfiltered list, and the touched record's status alone: a record the run just wrote is
  // among the newest, at one end of the list or the other (the order is a choice point).
  const ends = async (query: Record<string, string>) => {
    const first = await kit.list({ ...query, take: 100 });
    const last = first.page.total > 100 ? await kit.list({ ...query, skip: first.page.total - 100, take: 100 }) : first;
    return { exchange: last.exchange, total: first.page.total, data: [...first.page.data, ...last.page.data] };
  };
  for (const query of [{}, ...(record ? [{ status: record.fields.status! }] : [])] as Record<string, string>[]) {
    const view = await ends(query);
    const shown = view.data.find((c) => c.id === touched);
    const where = `the ends of the list${query.status ? ` with status=${query.status}` : ''}`;
    if (record) kit.check(shown !== undefined && sameFields(shown, record), `${where}: ${describeRecord(record)}`, shown ? JSON.stringify(fieldsOf(shown)) : 'not there', view.exchange);
    else kit.check(shown === undefined, `${where}: no deleted record ${touched}`, 'it is still listed', view.exchange);
    if (run.baseline) {
      const expected = query.status ? run.baseline.byStatus[query.status as CustomerStatus] + live.filter((r) => r.fields.status === query.status).length : run.baseline.total + live.length;
      kit.check(view.total === expected, `${where}: total ${expected} (no other writer, --exclusive)`, `total ${view.total}`, view.exchange);
    }
  }
}


function pick(model: Model, index: number): ModelRecord {
  const live = [...model.records.values()];
  return live[index % live.length]!;
}

class Create implements Command {
  constructor(private readonly input: { first_name: string; phone_number: string; customer_type?: CustomerType; status?: CustomerStatus }) {}
  check(model: Readonly<Model>) {
    return model.records.size < MAX_LIVE;
  }
  async run(model: Model, run: WriteRun) {
    const kit: ContractKit = run.kit;
    const own = run.own;
    const marker = own.nextMarker();
    const body = { ...this.input, first_name: `${this.input.first_name}${marker.first_name}`, last_name: marker.last_name, email: marker.email };
    const exchange = await kit.send('createCustomer', { body });
    const created = kit.expectStatus<Customer>(exchange, 201);
    own.remember(created.id);
    // What the document says a create fills in, where the body leaves it out.
    const expected = { ...CUSTOMER_DEFAULTS, ...body };
    const got = fieldsOf(created);
    kit.check(COMPARED.every((k) => got[k] === expected[k]), `the created customer ${JSON.stringify(expected)}`, JSON.stringify(got), exchange);
    const createdAt = timestampOf(created, 'created') ?? '';
    const clock = serverTime(exchange);
    const off = Math.abs(Date.parse(createdAt) - clock.at);
    const tolerance = kit.settings.clockToleranceMs + clock.resolutionMs;
    kit.check(off <= tolerance, `createdAt within ${tolerance} ms of the server's clock (${new Date(clock.at).toISOString()})`, `createdAt ${createdAt}`, exchange);
    model.records.set(created.id, { id: created.id, fields: got, createdAt, updatedAt: timestampOf(created, 'updated') ?? createdAt, created: ++model.created });
    await checkViews(model, run, created.id);
  }
  toString() {
    return `create(${JSON.stringify(this.input)})`;
  }
}

type Patch = Partial<Record<'first_name' | 'phone_number' | 'customer_type' | 'status' | 'reason', string>>;

class Update implements Command {
  constructor(
    private readonly index: number,
    private readonly patch: Patch,
    private readonly label: string,
  ) {}
  check(model: Readonly<Model>) {
    return model.records.size > 0;
  }
  async run(model: Model, run: WriteRun) {
    const kit: ContractKit = run.kit;
    const before = pick(model, this.index);
    const patch = this.patch.first_name === undefined ? this.patch : { ...this.patch, first_name: `${this.patch.first_name}Kit${run.own.tag}` };
    const exchange = await kit.send('updateCustomer', { params: { id: before.id }, body: patch });
    const updated = kit.expectStatus<Customer>(exchange, 200);
    const { reason: _notStored, ...fields } = patch;
    const expected: ModelRecord = { ...before, fields: { ...before.fields, ...fields }, updatedAt: timestampOf(updated, 'updated') ?? '' };
    kit.check(sameFields(updated, expected), `the updated customer ${describeRecord(expected)}`, JSON.stringify(fieldsOf(updated)), exchange);
    kit.check(timestampOf(updated, 'created') === before.createdAt, `createdAt unchanged (${before.createdAt})`, `${timestampOf(updated, 'created')}`, exchange);
    kit.check(Date.parse(expected.updatedAt) > Date.parse(before.updatedAt), `updatedAt after ${before.updatedAt}`, expected.updatedAt, exchange);
    model.records.set(before.id, expected);
    await checkViews(model, run, before.id);
  }
  toString() {
    return `${this.label}(#${this.index}${Object.keys(this.patch).length ? `, ${JSON.stringify(this.patch)}` : ''})`;
  }
}

class Delete implements Command {
  constructor(private readonly index: number) {}
  check(model: Readonly<Model>) {
    return model.records.size > 0;
  }
  async run(model: Model, run: WriteRun) {
    const kit: ContractKit = run.kit;
    const own = run.own;
    const record = pick(model, this.index);
    const exchange = await kit.send('deleteCustomer', { params: { id: record.id } });
    const result = kit.expectStatus<{ customerId: string }>(exchange, 200);
    kit.check(result.customerId === record.id, `customerId ${record.id}`, String(result.customerId), exchange);
    model.records.delete(record.id);
    own.forget(record.id);
    model.deletedEmails.set(record.id, record.fields.email);
    // A second delete of the same id finds nothing.
    kit.expectStatus(await kit.send('deleteCustomer', { params: { id: record.id } }), 404);
    await checkViews(model, run, record.id);
  }
  toString() {
    return `delete(#${this.index})`;
  }
}

/** The commands of a sequence; deletes only where the deployment routes DELETE. */
export function writeCommands(deleteRouted: boolean): fc.Arbitrary<Iterable<Command>> {
  const index = fc.nat({ max: MAX_LIVE - 1 });
  const arbitraries: fc.Arbitrary<Command>[] = [
    fc
      .record({ first_name: namePart, phone_number: phone, customer_type: fc.option(fc.constantFrom(...CUSTOMER_TYPES), { nil: undefined }), status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }) }, { requiredKeys: ['first_name', 'phone_number'] })
      .map((input) => new Create(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ConstructorParameters<typeof Create>[0])),
    fc
      .tuple(index, fc.record({ first_name: namePart, phone_number: phone, customer_type: fc.constantFrom(...CUSTOMER_TYPES) }, { requiredKeys: [] }))
      .filter(([, patch]) => Object.keys(patch).length > 0)
      .map(([i, patch]) => new Update(i, patch, 'update')),
    fc.tuple(index, namePart).map(([i, reason]) => new Update(i, { status: 'BLACKLISTED', reason }, 'blacklist')),
    index.map((i) => new Update(i, { status: 'ACTIVE' }, 'restore')),
    index.map((i) => new Update(i, { status: 'DEACTIVATED' }, 'deactivate')),
  ];
  if (deleteRouted) arbitraries.push(index.map((i) => new Delete(i)));
  return fc.commands(arbitraries, { maxCommands: MAX_COMMANDS, size: 'max' });
}

/** The outcome of a model-based run: nothing, or the failure with its seed and shortest sequence. */
export async function runWriteSequence(run: Omit<WriteRun, 'own'>): Promise<void> {
  const property = fc.asyncProperty(writeCommands(run.deleteRouted), async (commands) => {
    const own = new OwnRecords(run.kit);
    // Cleaned up whatever the sequence came to; a failure of the sequence itself is the one to report.
    const failure = await fc.asyncModelRun(() => ({ model: { records: new Map(), deletedEmails: new Map(), created: 0 }, real: { ...run, own } }), commands).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const leftovers = await own.cleanUp();
    if (failure) throw failure.error;
    if (leftovers.length > 0) throw new ContractFailure('every record of the sequence removed again', `left on the server: ${leftovers.join(', ')}`);
  });
  const details = await fc.check(property, { seed: run.kit.settings.seed, numRuns: SEQUENCES, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: false });
  if (!details.failed) return;
  const error = details.errorInstance;
  // The sequence was cut short (budget spent, run interrupted) and the check marked skipped: not a failure to shrink and report.
  if (isNotSent(error)) throw error;
  const [commands] = details.counterexample ?? [];
  const cause = error instanceof ContractFailure ? error : undefined;
  throw new ContractFailure(
    cause?.expected ?? 'the write sequence to hold in every read view',
    `${cause?.got ?? String((error as Error | undefined)?.message ?? error)}\n` +
      `seed ${run.kit.settings.seed} (replay with --seed ${run.kit.settings.seed}); shortest failing sequence, after ${details.numShrinks} shrinks:\n` +
      `  ${fc.stringify(commands)}`,
    cause?.request,
  );
}
