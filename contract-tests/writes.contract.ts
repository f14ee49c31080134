import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { changeCase, ContractFailure, everyCase, invalidBodies, OwnRecords, patternsFor, PATTERN_CHARACTERS, runEveryKindOfWrite, runWriteSequence, STATUSES, type Customer, type Exchange, type RuleId } from '#contract-kit';
import { kit } from './support.js';

type BodyOperation = 'createCustomer' | 'updateCustomer';
const UNKNOWN_FIELD_RULE = { createCustomer: 'create.unknown-field', updateCustomer: 'update.unknown-field' } as const;
const BODY_RULE = { createCustomer: 'create.body', updateCustomer: 'update.body' } as const;
const PHONE = '+14155550123';
/**
 * Times each race is run, fresh records each time. A race shows only when both requests are in
 * the server at once, which a busy network or server can spoil in one round; a correct server
 * passes every round, and a faulty one needs to lose only one.
 */
const RACE_ROUNDS = 3;
/** Headers that describe the moment or the connection, not the answer: a replay may differ in them. */
const MOMENT_HEADERS = new Set(['date', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'idempotent-replayed', 'connection', 'keep-alive', 'transfer-encoding']);

/** The records these checks create outside the model's sequences (which clean up after themselves). */
const own = new OwnRecords(kit);
let deleteRouted: boolean | undefined;
/** The DELETE of the probe record, which tells whether DELETE is routed. */
let probe: { exchange: Exchange; id: string } | undefined;

/** A fresh marker's names and email, for a body. */
function marker(): { first_name: string; last_name: string; email: string } {
  const { lookup: _lookup, ...fields } = own.nextMarker();
  return fields;
}

/** Skips a write check in a read-only run, saying which rules are left unprobed. */
function requireWrites(context: TestContext, rules: readonly RuleId[]): void {
  if (!kit.settings.allowWrites) kit.skip(context, 'read-only run: pass --allow-writes to run the write checks', rules);
}

async function create(rule: RuleId, body: Record<string, unknown>, idempotencyKey?: string | false): Promise<{ exchange: Exchange; customer: Customer }> {
  const exchange = await kit.send('createCustomer', { body, idempotencyKey });
  const customer = kit.expectStatus<Customer>(rule, exchange, 201);
  own.remember(customer.id);
  return { exchange, customer };
}

/** How many customers the email finds: a lookup that proves what was, or was not, written. */
async function countByEmail(rule: RuleId, email: string): Promise<number> {
  return (await kit.list(rule, { email })).page.total;
}

/** The headers of a response that say something about the answer. */
function answerHeaders(exchange: Exchange): Record<string, string> {
  return Object.fromEntries([...exchange.response.headers].filter(([name]) => !MOMENT_HEADERS.has(name)));
}

/** The unfiltered totals now, for `--exclusive` runs (nobody else writes, so the model knows every total). */
async function baseline() {
  if (!kit.settings.exclusive) return undefined;
  const total = (await kit.list('list.total.consistent', { take: 1 })).page.total;
  const byStatus = Object.fromEntries(await Promise.all(STATUSES.map(async (s) => [s, (await kit.list('list.total.consistent', { status: s, take: 1 })).page.total]))) as Record<(typeof STATUSES)[number], number>;
  return { total, byStatus };
}

describe.sequential('writes (only with --allow-writes; on the kit\'s own records, always cleaned up)', () => {
  beforeAll(() => kit.hook(async () => {
    if (!kit.settings.allowWrites) return;
    // Whether DELETE is routed decides how the kit cleans up; a probe record of its own tells. Its
    // create is judged by the checks below, not here: a strict run must still learn about DELETE
    // from a deployment whose responses depart from a schema choice.
    const creation = await kit.send('createCustomer', { body: { ...marker(), phone_number: PHONE } });
    const id = (creation.response.body as { id?: unknown } | null)?.id;
    if (creation.response.status !== 201 || typeof id !== 'string') return;
    own.remember(id);
    const exchange = await kit.send('deleteCustomer', { params: { id } });
    deleteRouted = exchange.response.status === 200;
    if (deleteRouted) own.forget(id);
    else own.disposal = 'deactivate';
    probe = { exchange, id };
  }));

  // Whatever failed midway, every record the kit created is removed again (or, where DELETE is
  // not routed, deactivated and listed).
  afterAll(() => kit.hook(async () => {
    if (!kit.settings.allowWrites) return;
    const leftovers = await own.cleanUp();
    if (own.leftDeactivated.length > 0) console.log(`DELETE is not routed: the kit deactivated its records instead of deleting them: ${own.leftDeactivated.join(', ')}`);
    if (leftovers.length > 0) throw new ContractFailure('every record the kit created removed again', `left on the server: ${leftovers.join(', ')}`);
  }));

  it('DELETE of a customer', (context) => {
    requireWrites(context, ['delete.supported', 'delete.result']);
    if (!probe) return kit.skip(context, 'the probe record was not created', ['delete.supported']);
    const status = probe.exchange.response.status;
    // The compat values of the choice: `supported`, or `absent` (not routed, as in api.yml).
    const observed = deleteRouted ? 'supported' : 'absent';
    kit.atRule('delete.supported', { observed, expected: 'supported', asDocument: deleteRouted === true, detail: `DELETE of the kit's own customer ${probe.id} answered ${status}${deleteRouted ? '' : '; delete checks skipped, records deactivated instead'}` }, probe.exchange);
    if (deleteRouted) kit.expectStatus('delete.supported', probe.exchange, 200);
  });

  it('every kind of write (create, an update of each field, blacklist, restore, delete), each followed by every read view, whatever the seed', async (context) => {
    requireWrites(context, ['create.echo', 'create.timestamps', 'write.create.visible-in-views', 'update.fields', 'update.reason', 'write.update.timestamps', 'write.update.visible-in-views', 'write.blacklist.visible-in-views', 'write.restore.visible-in-views', 'write.delete.gone-from-views', 'delete.result']);
    if (deleteRouted === undefined) return kit.skip(context, 'the DELETE probe did not run', []);
    await runEveryKindOfWrite({ kit, deleteRouted, baseline: await baseline() });
  });

  it('a seeded random sequence of creates, updates, blacklists, restores and deletes holds in every read view', async (context) => {
    requireWrites(context, []);
    if (deleteRouted === undefined) return kit.skip(context, 'the DELETE probe did not run', []);
    await runWriteSequence({ kit, deleteRouted, baseline: await baseline() });
  });

  it('a create at the bounds of its body is accepted', async (context) => {
    requireWrites(context, ['create.body']);
    const { first_name, last_name, email } = marker();
    const body = { first_name: first_name.padEnd(100, 'x'), last_name: last_name.padEnd(100, 'y'), email, phone_number: '+123456789012345' };
    const { exchange, customer } = await create('create.body', body);
    kit.check('create.body', customer.first_name === body.first_name && customer.last_name === body.last_name && customer.phone_number === body.phone_number, `the create as sent: ${JSON.stringify(body)}`, JSON.stringify(customer), exchange);
  });

  it('names and emails holding %, _, *, ., [, \\, (, + are found by the values they hold, and by no pattern', async (context) => {
    requireWrites(context, ['list.filter.name.literal', 'list.filter.email.literal']);
    const { first_name, lookup } = own.nextMarker();
    const held = PATTERN_CHARACTERS.join('');
    // Emails hold only the characters an address may carry unquoted.
    const emailHeld = PATTERN_CHARACTERS.filter((c) => /[%_*.+]/.test(c)).join('');
    const body = { first_name, last_name: `Rec${held}${lookup}`, email: `contract-kit${emailHeld}${lookup}@example.com`, phone_number: PHONE };
    const { customer } = await create('create.echo', body);
    const findsExactly = async (rule: RuleId, query: Record<string, string>, expected: readonly string[]) => {
      const { exchange, page } = await kit.list(rule, { ...query, take: 100 });
      const got = page.data.map((c) => c.id);
      kit.check(rule, page.total === expected.length && expected.every((id) => got.includes(id)), `${query.name !== undefined ? `name=${query.name}` : `email=${query.email}`}: ${expected.join(', ') || 'nobody'}`, `total ${page.total}: ${got.join(', ') || 'nobody'}`, exchange);
    };
    await findsExactly('list.filter.name.literal', { name: `${held}${lookup}` }, [customer.id]);
    await findsExactly('list.filter.name.literal', { name: changeCase(`c${held}${lookup}`) }, [customer.id]);
    for (const { value } of patternsFor(first_name)) await findsExactly('list.filter.name.literal', { name: value }, []);
    await findsExactly('list.filter.email.literal', { email: changeCase(body.email) }, [customer.id]);
    for (const { value } of patternsFor('contract')) await findsExactly('list.filter.email.literal', { email: `${value}${body.email.slice('contract'.length)}` }, []);
  });

  it('create with an email already in use -> 409, and nothing written', async (context) => {
    requireWrites(context, ['create.email-conflict']);
    const first = marker();
    await create('create.email-conflict', { ...first, phone_number: PHONE });
    const again = await kit.send('createCustomer', { body: { ...marker(), email: first.email.toUpperCase(), phone_number: PHONE } });
    if (again.response.status === 201) own.remember((again.response.body as Customer).id);
    kit.expectStatus('create.email-conflict', again, 409);
    const count = await countByEmail('create.email-conflict', first.email);
    kit.check('create.email-conflict', count === 1, `one customer with ${first.email}`, `${count}`, again);
  });

  // Two creates racing for one email: a uniqueness check that reads before it writes lets both in.
  it('two creates with the same new email at once -> one 201 and one 409, and one customer with it', async (context) => {
    requireWrites(context, ['create.email-conflict']);
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const email = marker().email;
      const racing = await Promise.all([0, 1].map(() => kit.send('createCustomer', { body: { ...marker(), email, phone_number: PHONE } })));
      for (const exchange of racing) if (exchange.response.status === 201) own.remember((exchange.response.body as Customer).id);
      const statuses = racing.map((e) => e.response.status).sort();
      kit.check('create.email-conflict', statuses.join() === '201,409', 'one 201 and one 409', statuses.join(' and '), racing[1]);
      const count = await countByEmail('create.email-conflict', email);
      kit.check('create.email-conflict', count === 1, `one customer with ${email}`, `${count}`, racing[1]);
    }
  });

  // A server that reads a customer, applies the patch and saves every column loses the change a
  // concurrent update made to another field.
  it('two updates of different fields at once both hold', async (context) => {
    requireWrites(context, ['update.fields']);
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const { customer } = await create('update.fields', { ...marker(), phone_number: PHONE, customer_type: 'Individual' });
      const patches = [{ customer_type: 'Government' }, { phone_number: '+14155550188' }];
      const updates = await Promise.all(patches.map((body) => kit.send('updateCustomer', { params: { id: customer.id }, body })));
      for (const update of updates) kit.expectStatus('update.fields', update, 200);
      const fetched = await kit.send('fetchCustomer', { params: { id: customer.id } });
      const after = kit.expectStatus<Customer>('update.fields', fetched, 200);
      kit.check('update.fields', after.customer_type === 'Government' && after.phone_number === '+14155550188', 'customer_type Government and phone_number +14155550188, from the two updates', `customer_type ${after.customer_type}, phone_number ${after.phone_number}`, fetched);
    }
  });

  it('an email with a +tag is not found by its untagged form', async (context) => {
    requireWrites(context, ['list.filter.email.exact']);
    const { first_name, last_name, lookup } = own.nextMarker();
    const untagged = `contract-kit-${lookup}@example.com`;
    await create('create.echo', { first_name, last_name, email: untagged.replace('@', '+tag@'), phone_number: PHONE });
    const { exchange, page } = await kit.list('list.filter.email.exact', { email: untagged });
    kit.check('list.filter.email.exact', page.total === 0, `nobody for email=${untagged}: only ${untagged.replace('@', '+tag@')} exists`, `total ${page.total}: ${page.data.map((c) => c.email).join(', ')}`, exchange);
  });

  // Letters beyond ASCII with a one-to-one case mapping (not ß or İ), which any Unicode-aware case
  // folding maps alike.
  it('a name with non-ASCII letters is found by the name in the other case', async (context) => {
    requireWrites(context, ['list.filter.name.partial']);
    const { last_name, email, lookup } = own.nextMarker();
    const { customer } = await create('create.echo', { first_name: `Émile${lookup}Ångström`, last_name, email, phone_number: PHONE });
    const fragment = `ÉMILE${lookup.toUpperCase()}ÅNGSTRÖM`;
    const { exchange, page } = await kit.list('list.filter.name.partial', { name: fragment });
    kit.check('list.filter.name.partial', page.data.some((c) => c.id === customer.id), `customer ${customer.id} (${customer.first_name}) among the matches of "${fragment}"`, `total ${page.total} without it`, exchange);
  });

  it('update to an email another customer has', async (context) => {
    requireWrites(context, ['update.email-conflict']);
    const taken = marker();
    await create('create.echo', { ...taken, phone_number: PHONE });
    const { customer } = await create('create.echo', { ...marker(), phone_number: PHONE });
    const exchange = await kit.send('updateCustomer', { params: { id: customer.id }, body: { email: taken.email.toUpperCase() } });
    const status = exchange.response.status;
    const count = await countByEmail('update.email-conflict', taken.email);
    kit.atRule('update.email-conflict', { observed: status === 409 && count === 1 ? 'refused (409)' : `answered ${status}, ${count} customers with the email`, expected: 'refused (409)', asDocument: status === 409 && count === 1, detail: `an update to ${taken.email.toUpperCase()}, another customer's email, answered ${status}` }, exchange);
  });

  it('an update and a delete aimed at a UUID that names no customer -> 404, and nothing is created', async (context) => {
    requireWrites(context, ['update.unknown-id', 'delete.unknown-id']);
    const id = randomUUID();
    const { lookup, ...fields } = own.nextMarker();
    const update = await kit.send('updateCustomer', { params: { id }, body: fields });
    if (update.response.status < 300) own.remember(id);
    kit.expectStatus('update.unknown-id', update, 404);
    kit.expectStatus('update.unknown-id', await kit.send('fetchCustomer', { params: { id } }), 404);
    const { exchange, page } = await kit.list('update.unknown-id', { name: lookup });
    kit.check('update.unknown-id', page.total === 0, `no customer named ${lookup}`, `${page.total}: ${page.data.map((c) => c.id).join(', ')}`, exchange);
    if (!deleteRouted) return;
    const other = randomUUID();
    kit.expectStatus('delete.unknown-id', await kit.send('deleteCustomer', { params: { id: other } }), 404);
    kit.expectStatus('delete.unknown-id', await kit.send('fetchCustomer', { params: { id: other } }), 404);
  });

  it('idempotency: a replayed create, update and delete return the first response (status, body and headers), without a second write', async (context) => {
    requireWrites(context, ['idempotency.replay-identical']);
    const expectReplay = (first: Exchange, replay: Exchange) => {
      const same = replay.response.status === first.response.status && isDeepStrictEqual(replay.response.body, first.response.body) && isDeepStrictEqual(answerHeaders(replay), answerHeaders(first));
      kit.check('idempotency.replay-identical', same, `the first response again: ${first.response.status} ${JSON.stringify(answerHeaders(first))} ${first.response.text}`, `${replay.response.status} ${JSON.stringify(answerHeaders(replay))} ${replay.response.text}`, replay);
    };
    const key = randomUUID();
    const body = { ...marker(), phone_number: PHONE };
    const { exchange: created, customer } = await create('idempotency.replay-identical', body, key);
    const replay = await kit.send('createCustomer', { body, idempotencyKey: key });
    if (replay.response.status === 201 && (replay.response.body as Customer).id !== customer.id) own.remember((replay.response.body as Customer).id);
    expectReplay(created, replay);
    const count = await countByEmail('idempotency.replay-identical', body.email);
    kit.check('idempotency.replay-identical', count === 1, `one customer with ${body.email}`, `${count}`, replay);
    const patch = { customer_type: 'Government' };
    const updateKey = randomUUID();
    const updated = await kit.send('updateCustomer', { params: { id: customer.id }, body: patch, idempotencyKey: updateKey });
    kit.expectStatus('idempotency.replay-identical', updated, 200);
    expectReplay(updated, await kit.send('updateCustomer', { params: { id: customer.id }, body: patch, idempotencyKey: updateKey }));
    if (!deleteRouted) return;
    const deleteKey = randomUUID();
    const deleted = await kit.send('deleteCustomer', { params: { id: customer.id }, idempotencyKey: deleteKey });
    kit.expectStatus('idempotency.replay-identical', deleted, 200);
    own.forget(customer.id);
    expectReplay(deleted, await kit.send('deleteCustomer', { params: { id: customer.id }, idempotencyKey: deleteKey }));
  });

  // Without an email, no uniqueness check stops a second write: only the key does. A request that
  // arrives while the first with its key is in flight gets the first's answer (the document's
  // choice) or a 409 (the platform's "still being processed"); it never writes.
  it('idempotency: two creates with one key and one body at once write one customer', async (context) => {
    requireWrites(context, ['idempotency.replay-identical']);
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const { first_name, last_name, lookup } = own.nextMarker();
      const body = { first_name, last_name, phone_number: PHONE };
      const key = randomUUID();
      const racing = await Promise.all([0, 1].map(() => kit.send('createCustomer', { body, idempotencyKey: key })));
      for (const exchange of racing) if (exchange.response.status === 201) own.remember((exchange.response.body as Customer).id);
      const created = racing.filter((e) => e.response.status === 201);
      const answers = racing.map((e) => `${e.response.status} ${e.response.text}`);
      kit.check('idempotency.replay-identical', created.length >= 1 && racing.every((e) => e.response.status === 201 || e.response.status === 409), 'a 201, and for the other the same answer or a 409', answers.join('\n'), racing[1]);
      kit.check('idempotency.replay-identical', created.every((e) => isDeepStrictEqual(e.response.body, created[0]!.response.body)), 'the same customer in both 201s', answers.join('\n'), racing[1]);
      const { exchange, page } = await kit.list('idempotency.replay-identical', { name: lookup });
      kit.check('idempotency.replay-identical', page.total === 1, `one customer named ${lookup}`, `${page.total}: ${page.data.map((c) => c.id).join(', ')}`, exchange);
    }
  });

  it('idempotency: the same key with a different request -> 409, and nothing written', async (context) => {
    requireWrites(context, ['idempotency.key-conflict']);
    const key = randomUUID();
    await create('idempotency.key-conflict', { ...marker(), phone_number: PHONE }, key);
    const other = { ...marker(), phone_number: PHONE };
    const reuse = await kit.send('createCustomer', { body: other, idempotencyKey: key });
    if (reuse.response.status === 201) own.remember((reuse.response.body as Customer).id);
    kit.expectStatus('idempotency.key-conflict', reuse, 409);
    const count = await countByEmail('idempotency.key-conflict', other.email);
    kit.check('idempotency.key-conflict', count === 0, `no customer with ${other.email}`, `${count}`, reuse);
  });

  it('a create without an idempotency key is accepted (the key is optional)', async (context) => {
    requireWrites(context, ['idempotency.key-optional']);
    // The kit sends a key with every write; only the strict profile checks that it may be left out.
    if (!kit.asserts('idempotency.key-optional')) return kit.skip(context, 'the documented profile sends a key with every write', ['idempotency.key-optional']);
    const exchange = await kit.send('createCustomer', { body: { ...marker(), phone_number: PHONE }, idempotencyKey: false });
    if (exchange.response.status === 201) own.remember((exchange.response.body as Customer).id);
    kit.atRule('idempotency.key-optional', { observed: exchange.response.status === 201 ? 'optional' : 'required-on-post', expected: 'optional', asDocument: exchange.response.status === 201, detail: `a create without idempotency-key answered ${exchange.response.status}` }, exchange);
    kit.expectStatus('idempotency.key-optional', exchange, 201);
  });
});

describe.sequential('invalid bodies, from the document\'s schemas, are refused with a 400 and write nothing (only with --allow-writes)', () => {
  afterAll(() => kit.hook(async () => {
    if (!kit.settings.allowWrites) return;
    const leftovers = await own.cleanUp();
    if (leftovers.length > 0) throw new ContractFailure('every record the kit created removed again', `left on the server: ${leftovers.join(', ')}`);
  }));

  const schemaOf = (operationId: BodyOperation) => kit.document.operation(operationId).requestBodySchema!;

  /** A refusal: of a documented rule, or (an unknown field) of a choice, observed where it is not asserted. */
  function judgeRefusal(exchange: Exchange, breaks: string, unknownProperty: boolean, operationId: BodyOperation): void {
    const status = exchange.response.status;
    if (!unknownProperty) return void kit.expectStatus(BODY_RULE[operationId], exchange, 400);
    kit.atRule(UNKNOWN_FIELD_RULE[operationId], { observed: status === 400 ? 'reject' : 'ignore', expected: 'reject', asDocument: status === 400, detail: `a body with ${breaks} answered ${status}` }, exchange);
  }

  it('create: every constraint broken just past its boundary, each wrong type, each required field left out', async (context) => {
    requireWrites(context, ['create.body', 'create.unknown-field']);
    const { lookup, ...valid } = own.nextMarker();
    await everyCase(invalidBodies(schemaOf('createCustomer'), { ...valid, phone_number: PHONE }), async (invalid) => {
      const exchange = await kit.send('createCustomer', { body: invalid.body });
      if (exchange.response.status === 201) own.remember((exchange.response.body as Customer).id);
      const accepted = exchange.response.status === 201;
      try {
        judgeRefusal(exchange, invalid.breaks, invalid.unknownProperty, 'createCustomer');
        // Nothing may have been written, whatever the status said.
        const { page } = await kit.list(BODY_RULE.createCustomer, { name: lookup });
        kit.check(BODY_RULE.createCustomer, page.total === (accepted ? 1 : 0), accepted ? 'the one customer the accepted create wrote' : `no customer written for a body with ${invalid.breaks}`, `${page.total} customers named ${lookup}`, exchange);
      } finally {
        if (accepted) await own.cleanUp();
      }
    });
  });

  it('update: every constraint broken just past its boundary, and each wrong type, leave the customer as it was', async (context) => {
    requireWrites(context, ['update.body', 'update.unknown-field']);
    const { customer } = await create('update.body', { ...marker(), phone_number: PHONE });
    const cases = invalidBodies(schemaOf('updateCustomer'), {}).filter((invalid) => Object.keys(invalid.body).length > 0);
    await everyCase(cases, async (invalid) => {
      const exchange = await kit.send('updateCustomer', { params: { id: customer.id }, body: invalid.body });
      judgeRefusal(exchange, invalid.breaks, invalid.unknownProperty, 'updateCustomer');
      if (exchange.response.status === 200) return;
      const fetched = kit.expectStatus<Customer>('update.body', await kit.send('fetchCustomer', { params: { id: customer.id } }), 200);
      kit.check('update.body', isDeepStrictEqual(fetched, customer), `the customer unchanged after a body with ${invalid.breaks}: ${JSON.stringify(customer)}`, JSON.stringify(fetched), exchange);
    });
  });

  it('update: an empty body, or a reason without a status, is a 400', async (context) => {
    requireWrites(context, ['update.reason']);
    const { customer } = await create('update.body', { ...marker(), phone_number: PHONE });
    for (const body of [{}, { reason: 'Fraudulent activity detected' }]) {
      const exchange = await kit.send('updateCustomer', { params: { id: customer.id }, body });
      const status = exchange.response.status;
      kit.atRule('update.reason', { observed: status === 400 ? 'refused' : `answered ${status}`, expected: 'refused', asDocument: status === 400, detail: `an update with ${JSON.stringify(body)} answered ${status}` }, exchange);
    }
  });
});
