import fc from 'fast-check';
import type { Customer, CustomerStatus, CustomerType } from '../domain/customer.js';
import { matches, type CustomerFilter } from '../domain/query.js';
import type { RuleId } from '../openapi/rules.js';
import { CUSTOMER_DEFAULTS, CUSTOMER_STATUSES, CUSTOMER_TYPES } from '../openapi/contract-facts.generated.js';
import { timestampOf } from './discovery.js';
import { ContractFailure } from './failure.js';
import { isNotSent, type ContractKit, type Exchange } from './kit.js';
import { OwnRecords } from './own-records.js';
import { asError } from '../caught-error.js';

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
  /** The deleted records as they were, for the views with their old values after a delete. */
  readonly deleted: Map<string, ModelRecord>;
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
/** The rule each kind of write is checked by in every read view. */
type ViewRule = Extract<RuleId, `write.${string}`>;

const phone = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 14 })).chain(([lead, rest]) =>
  fc.stringMatching(new RegExp(`^[0-9]{${rest}}$`)).map((digits) => `+${lead}${digits}`),
);
/** Letters only: a random name part cannot collide with the run's tag or break the name lookups. */
const namePart = fc.stringMatching(/^[A-Za-z]{1,12}$/);

function describeRecord(record: ModelRecord): string {
  return `${record.id} ${JSON.stringify(record.fields)}`;
}

function fieldsOf(customer: Customer): ModelRecord['fields'] {
  return Object.fromEntries(COMPARED.map((k) => [k, customer[k] ?? null])) as ModelRecord['fields'];
}

function sameFields(customer: Customer, record: ModelRecord): boolean {
  return COMPARED.every((k) => customer[k] === record.fields[k]);
}

/** Whether the filter finds the record, by the one statement of the list rules (domain/query.ts). */
function found(filter: CustomerFilter, record: ModelRecord): boolean {
  return matches(filter, record.fields as unknown as Customer);
}

/** The server's clock at the response, from its `Date` header (whole seconds), else the kit's. */
function serverTime(exchange: Exchange): { at: number; resolutionMs: number } {
  const date = Date.parse(exchange.response.headers.get('date') ?? '');
  return Number.isNaN(date) ? { at: Date.now(), resolutionMs: 0 } : { at: date, resolutionMs: 1000 };
}

/**
 * Every read view of the run's records agrees with the model after a write of the kind `rule`
 * names: the fetch, the name filter on the run's tag with and without each status (so each
 * status total), each name and email filter with the touched record's new value and (`before`)
 * its old one, and the unfiltered list and its status at both ends, with the totals where no one
 * else writes.
 */
async function checkViews(model: Model, run: WriteRun, touched: string, rule: ViewRule, before?: ModelRecord): Promise<void> {
  const kit: ContractKit = run.kit;
  const own = run.own;
  const live = [...model.records.values()].sort((a, b) => b.created - a.created);
  // Fetch by id: the touched record as the model has it, or a 404 once deleted.
  const record = model.records.get(touched);
  const fetch = await kit.send('fetchCustomer', { params: { id: touched } });
  if (!record) kit.expectStatus(rule, fetch, 404);
  else {
    const fetched = kit.expectStatus<Customer>(rule, fetch, 200);
    kit.check(rule, sameFields(fetched, record), `fetch by id: ${describeRecord(record)}`, JSON.stringify(fetched), fetch);
  }
  // A filter on a value holding the sequence's tag finds exactly the records the model says it
  // matches (no one else's record holds the tag), with the total to match.
  const expectExactly = async (filter: CustomerFilter, view: string) => {
    const expected = live.filter((r) => found(filter, r));
    const { exchange, page } = await kit.list(rule, { ...filter, take: 100 });
    const got = new Map(page.data.map((c) => [c.id, c]));
    const missing = expected.filter((r) => !got.has(r.id));
    const stale = expected.filter((r) => got.has(r.id) && !sameFields(got.get(r.id)!, r));
    const strays = page.data.filter((c) => !expected.some((r) => r.id === c.id));
    const problems = [
      ...missing.map((r) => `missing ${r.id}`),
      ...stale.map((r) => `${r.id} shows ${JSON.stringify(fieldsOf(got.get(r.id)!))}`),
      ...strays.map((c) => `unexpected ${c.id} ${JSON.stringify(fieldsOf(c))}`),
      ...(page.total === expected.length ? [] : [`total ${page.total}`]),
    ];
    kit.check(rule, problems.length === 0, `${view}: the run's ${expected.length} record(s) ${expected.map(describeRecord).join('; ') || '(none)'}, total ${expected.length}`, problems.join('; '), exchange);
  };
  await expectExactly({ name: own.tag }, `name=${own.tag}`);
  for (const status of STATUSES) await expectExactly({ name: own.tag, status }, `name=${own.tag}&status=${status}`);
  // The name and email filters with the touched record's new values, and with the old ones it no longer has.
  const now = record?.fields;
  const then = before?.fields;
  for (const field of ['first_name', 'last_name'] as const) {
    if (now?.[field] && (field === 'first_name' || then?.[field] !== now[field])) await expectExactly({ name: now[field] }, `name=${now[field]}`);
    if (then?.[field] && then[field] !== now?.[field]) await expectExactly({ name: then[field] }, `name=${then[field]} (the old ${field})`);
  }
  if (now?.email) await expectExactly({ email: now.email }, `email=${now.email}`);
  if (then?.email && then.email !== now?.email) await expectExactly({ email: then.email }, `email=${then.email} (the old email)`);
  // The unfiltered list, and the touched record's status alone (new and old): a record the run just
  // wrote is among the newest, at one end of the list or the other (the order is a choice point).
  const ends = async (query: Record<string, string>) => {
    const first = await kit.list(rule, { ...query, take: 100 });
    const last = first.page.total > 100 ? await kit.list(rule, { ...query, skip: first.page.total - 100, take: 100 }) : first;
    return { exchange: last.exchange, total: first.page.total, data: [...first.page.data, ...last.page.data] };
  };
  const statuses = [...new Set([now?.status, then?.status].flatMap((shown) => CUSTOMER_STATUSES.filter((status) => status === shown)))];
  const queries: { readonly status?: CustomerStatus }[] = [{}, ...statuses.map((status) => ({ status }))];
  for (const query of queries) {
    const view = await ends(query);
    const shown = view.data.find((c) => c.id === touched);
    const where = `the ends of the list${query.status ? ` with status=${query.status}` : ''}`;
    const belongs = record !== undefined && (query.status === undefined || record.fields.status === query.status);
    if (belongs) kit.check(rule, shown !== undefined && sameFields(shown, record), `${where}: ${describeRecord(record)}`, shown ? JSON.stringify(fieldsOf(shown)) : 'not there', view.exchange);
    else kit.check(rule, shown === undefined, `${where}: not ${touched}${record ? ` (its status is ${record.fields.status})` : ' (deleted)'}`, `it is listed: ${JSON.stringify(shown && fieldsOf(shown))}`, view.exchange);
    if (run.baseline) {
      const expected = query.status ? run.baseline.byStatus[query.status] + live.filter((r) => r.fields.status === query.status).length : run.baseline.total + live.length;
      kit.check(rule, view.total === expected, `${where}: total ${expected} (no other writer, --exclusive)`, `total ${view.total}`, view.exchange);
    }
  }
}

function pick(model: Model, index: number): ModelRecord {
  const live = [...model.records.values()];
  return live[index % live.length]!;
}

type CreateInput = { first_name: string; phone_number: string; customer_type?: CustomerType; status?: CustomerStatus };

class Create implements Command {
  constructor(private readonly input: CreateInput) {}
  check(model: Readonly<Model>) {
    return model.records.size < MAX_LIVE;
  }
  async run(model: Model, run: WriteRun) {
    const kit: ContractKit = run.kit;
    const own = run.own;
    const marker = own.nextMarker();
    const body = { ...this.input, first_name: `${this.input.first_name}${marker.first_name}`, last_name: marker.last_name, email: marker.email };
    const exchange = await kit.send('createCustomer', { body });
    const created = kit.expectStatus<Customer>('create.echo', exchange, 201);
    own.remember(created.id);
    // What the document says a create fills in, where the body leaves it out.
    const expected = { ...CUSTOMER_DEFAULTS, ...body };
    const got = fieldsOf(created);
    kit.check('create.echo', COMPARED.every((k) => got[k] === expected[k]), `the created customer ${JSON.stringify(expected)}`, JSON.stringify(got), exchange);
    const createdAt = timestampOf(created, 'created') ?? '';
    const updatedAt = timestampOf(created, 'updated') ?? '';
    const clock = serverTime(exchange);
    const off = Math.abs(Date.parse(createdAt) - clock.at);
    const tolerance = kit.settings.clockToleranceMs + clock.resolutionMs;
    kit.check('create.timestamps', off <= tolerance, `createdAt within ${tolerance} ms of the server's clock (${new Date(clock.at).toISOString()})`, `createdAt ${createdAt}`, exchange);
    kit.check('create.timestamps', Date.parse(updatedAt) >= Date.parse(createdAt), `updatedAt not before createdAt ${createdAt}`, `updatedAt ${updatedAt}`, exchange);
    model.records.set(created.id, { id: created.id, fields: got, createdAt, updatedAt, created: ++model.created });
    await checkViews(model, run, created.id, 'write.create.visible-in-views');
  }
  toString() {
    return `create(${JSON.stringify(this.input)})`;
  }
}

/** What an update sends: a name part is given the sequence's tag, and `email: true` asks for a fresh email of the run's. */
type Patch = Partial<Record<'first_name' | 'last_name' | 'phone_number' | 'customer_type' | 'status' | 'reason', string>> & { email?: true };
type UpdateKind = 'update' | 'blacklist' | 'restore' | 'deactivate';

const VIEW_RULE: Record<UpdateKind, ViewRule> = {
  update: 'write.update.visible-in-views',
  blacklist: 'write.blacklist.visible-in-views',
  restore: 'write.restore.visible-in-views',
  deactivate: 'write.update.visible-in-views',
};

class Update implements Command {
  constructor(
    private readonly index: number,
    private readonly patch: Patch,
    private readonly kind: UpdateKind,
  ) {}
  check(model: Readonly<Model>) {
    return model.records.size > 0;
  }
  async run(model: Model, run: WriteRun) {
    const kit: ContractKit = run.kit;
    const before = pick(model, this.index);
    // The names keep the sequence's tag, so that its lookups (and its cleanup) still find the record.
    const { email, ...rest } = this.patch;
    const patch: Record<string, string> = { ...rest };
    if (rest.first_name !== undefined) patch.first_name = `${rest.first_name}Kit${run.own.tag}`;
    if (rest.last_name !== undefined) patch.last_name = `${rest.last_name}Rec${run.own.tag}`;
    if (email) patch.email = run.own.nextMarker().email;
    const exchange = await kit.send('updateCustomer', { params: { id: before.id }, body: patch });
    const updated = kit.expectStatus<Customer>('update.fields', exchange, 200);
    const { reason: _notStored, ...fields } = patch;
    const expected: ModelRecord = { ...before, fields: { ...before.fields, ...fields }, updatedAt: timestampOf(updated, 'updated') ?? '' };
    kit.check('update.fields', sameFields(updated, expected), `the updated customer ${describeRecord(expected)}`, JSON.stringify(fieldsOf(updated)), exchange);
    if (this.patch.reason !== undefined) kit.check('update.reason', sameFields(updated, expected), `a blacklist whose reason is not stored: ${describeRecord(expected)}`, JSON.stringify(updated), exchange);
    kit.check('write.update.timestamps', timestampOf(updated, 'created') === before.createdAt, `createdAt unchanged (${before.createdAt})`, `${timestampOf(updated, 'created')}`, exchange);
    kit.check('write.update.timestamps', Date.parse(expected.updatedAt) > Date.parse(before.updatedAt), `updatedAt after ${before.updatedAt}`, expected.updatedAt, exchange);
    model.records.set(before.id, expected);
    await checkViews(model, run, before.id, VIEW_RULE[this.kind], before);
  }
  toString() {
    return `${this.kind}(#${this.index}${Object.keys(this.patch).length ? `, ${JSON.stringify(this.patch)}` : ''})`;
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
    const result = kit.expectStatus<{ customerId: string }>('delete.supported', exchange, 200);
    kit.check('delete.result', result.customerId === record.id, `customerId ${record.id}`, String(result.customerId), exchange);
    model.records.delete(record.id);
    model.deleted.set(record.id, record);
    own.forget(record.id);
    // A second delete of the same id finds nothing.
    kit.expectStatus('write.delete.gone-from-views', await kit.send('deleteCustomer', { params: { id: record.id } }), 404);
    await checkViews(model, run, record.id, 'write.delete.gone-from-views', record);
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
      .map((input) => new Create(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as CreateInput)),
    fc
      .tuple(index, fc.record({ first_name: namePart, last_name: namePart, email: fc.constant(true as const), phone_number: phone, customer_type: fc.constantFrom(...CUSTOMER_TYPES) }, { requiredKeys: [] }))
      .filter(([, patch]) => Object.keys(patch).length > 0)
      .map(([i, patch]) => new Update(i, patch, 'update')),
    fc.tuple(index, namePart).map(([i, reason]) => new Update(i, { status: 'BLACKLISTED', reason }, 'blacklist')),
    index.map((i) => new Update(i, { status: 'ACTIVE' }, 'restore')),
    index.map((i) => new Update(i, { status: 'DEACTIVATED' }, 'deactivate')),
  ];
  if (deleteRouted) arbitraries.push(index.map((i) => new Delete(i)));
  return fc.commands(arbitraries, { maxCommands: MAX_COMMANDS, size: 'max' });
}

/**
 * Every kind of write once, whatever the seed: a create with every field (and a name beyond
 * ASCII) and one with the defaults, an update of each field alone, a blacklist, a restore, and (where DELETE is routed)
 * a delete of each, every one followed by every read view. What the random sequences explore
 * by chance, this covers for certain.
 */
export function everyKindOfWrite(deleteRouted: boolean): Command[] {
  const commands: Command[] = [
    // Names beyond ASCII: every view must find them as written.
    new Create({ first_name: 'Zoë', phone_number: '+14155550123', customer_type: 'Startup', status: 'ACTIVE' }),
    new Create({ first_name: 'Defaults', phone_number: '+442071838750' }),
    new Update(0, { first_name: 'Łukasz' }, 'update'),
    new Update(0, { last_name: 'Ñúñez' }, 'update'),
    new Update(0, { email: true }, 'update'),
    new Update(0, { phone_number: '+4930901820' }, 'update'),
    new Update(0, { customer_type: 'Enterprise' }, 'update'),
    new Update(0, { status: 'BLACKLISTED', reason: 'Fraudulent activity detected' }, 'blacklist'),
    new Update(0, { status: 'ACTIVE' }, 'restore'),
    new Update(1, { status: 'DEACTIVATED' }, 'deactivate'),
  ];
  if (deleteRouted) commands.push(new Delete(0), new Delete(0));
  return commands;
}

/** Runs commands one after another against a fresh model, and removes the sequence's records whatever happened. */
async function runCommands(run: Omit<WriteRun, 'own'>, commands: Iterable<Command>): Promise<void> {
  const own = new OwnRecords(run.kit);
  // Cleaned up whatever the sequence came to; a failure of the sequence itself is the one to report.
  const failure = await fc.asyncModelRun(() => ({ model: { records: new Map(), deleted: new Map(), created: 0 }, real: { ...run, own } }), commands).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const leftovers = await own.cleanUp();
  if (failure) throw failure.error;
  if (leftovers.length > 0) throw new ContractFailure('every record of the sequence removed again', `left on the server: ${leftovers.join(', ')}`);
}

/** The fixed sequence of `everyKindOfWrite`, the seed playing no part. */
export async function runEveryKindOfWrite(run: Omit<WriteRun, 'own'>): Promise<void> {
  await runCommands(run, everyKindOfWrite(run.deleteRouted));
}

/** The outcome of a model-based run: nothing, or the failure with its seed and shortest sequence. */
export async function runWriteSequence(run: Omit<WriteRun, 'own'>): Promise<void> {
  const property = fc.asyncProperty(writeCommands(run.deleteRouted), (commands) => runCommands(run, commands));
  const details = await fc.check(property, { seed: run.kit.settings.seed, numRuns: SEQUENCES, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: false });
  if (!details.failed) return;
  const error = details.errorInstance;
  // The sequence was cut short (budget spent, run interrupted) and the check marked skipped: not a failure to shrink and report.
  if (isNotSent(error)) throw error;
  const [commands] = details.counterexample ?? [];
  const cause = error instanceof ContractFailure ? error : undefined;
  throw new ContractFailure(
    cause?.expected ?? 'the write sequence to hold in every read view',
    `${cause?.got ?? asError(error).message}\n` +
      `seed ${run.kit.settings.seed} (replay with --seed ${run.kit.settings.seed}); shortest failing sequence, after ${details.numShrinks} shrinks:\n` +
      `  ${fc.stringify(commands)}`,
    cause?.request,
    cause?.rule,
  );
}
