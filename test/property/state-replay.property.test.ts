import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { createMock } from '../../src/node-mock.js';
import { encodeLine } from '../../src/store/state-format.js';
import { aCustomer } from '../support/customers.js';
import { InProcessMock } from '../support/mock.js';

/**
 * Random sequences of writes (creates, updates, deletes, admin replaces, resets) with compactions,
 * restarts and crashes between them go through the journal; after every restart the mock serves
 * exactly what a model of the acknowledged writes holds. Crashes leave a torn last record, which
 * is cut off; a journal cut at any byte below what it held on the disk is refused, not replayed as
 * a shorter history.
 */
const root = mkdtempSync(join(tmpdir(), 'mock-replay-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Step =
  | { kind: 'create' }
  | { kind: 'update'; pick: number; to: 'name' | 'email' | 'status' }
  | { kind: 'delete'; pick: number }
  | { kind: 'replace'; size: number }
  | { kind: 'reset' }
  | { kind: 'compact' }
  | { kind: 'restart' }
  | { kind: 'torn crash'; keep: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'create' as const }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), to: fc.constantFrom('name' as const, 'email' as const, 'status' as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), size: fc.integer({ min: 0, max: 4 }) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'reset' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'compact' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('torn crash' as const), keep: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }), weight: 1 },
);

const sorted = (customers: Iterable<Customer>) => [...customers].sort((a, b) => a.id.localeCompare(b.id));
let runs = 0;
let unique = 0;

class Run {
  readonly stateFile = join(root, `run-${++runs}.json`);
  mock!: InProcessMock;
  model = new Map<string, Customer>();
  /** The model as it was when the mock last started: what a reset restores. */
  baseline = new Map<string, Customer>();

  /** Starts the mock on the files as they are: it must serve the model. */
  async start(): Promise<void> {
    await this.open();
    expect(sorted(this.mock.store.customers())).toEqual(sorted(this.model.values()));
    this.baseline = new Map(this.model);
  }

  /** The first start, with no state yet: the seeded customers become the model. */
  async begin(): Promise<void> {
    await this.open();
    for (const customer of this.mock.store.customers()) this.model.set(customer.id, customer);
    this.baseline = new Map(this.model);
  }

  private async open(): Promise<void> {
    // Replaces and resets of more than 3 customers are saved as snapshots, smaller ones as records: both ways are replayed.
    this.mock = new InProcessMock(await createMock({ count: 4, rateLimit: 0, stateFile: this.stateFile }, { onStateWarning: () => {}, stateJournaledCustomersMax: 3 }));
  }

  async stop(): Promise<void> {
    await this.mock.mock.state!.close();
  }

  private pick(n: number): Customer | undefined {
    const all = sorted(this.model.values());
    return all.length === 0 ? undefined : all[n % all.length];
  }

  get journal(): string {
    const prefix = `${basename(this.stateFile)}.journal.`;
    const generations = readdirSync(root).flatMap((name) => (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) ? [Number(name.slice(prefix.length))] : []));
    return `${this.stateFile}.journal.${Math.max(0, ...generations)}`;
  }

  async apply(action: Step): Promise<void> {
    const n = ++unique;
    switch (action.kind) {
      case 'create': {
        const res = await this.mock.request('POST', '/api/v0/customers', { body: { first_name: 'Model', last_name: `N${n}`, phone_number: '+14155550100', email: `model.${n}@example.com` } });
        expect(res.status).toBe(201);
        this.model.set(res.body.id, res.body);
        return;
      }
      case 'update': {
        const target = this.pick(action.pick);
        if (!target) return;
        const patch = action.to === 'name' ? { first_name: `Renamed${n}` } : action.to === 'email' ? { email: `moved.${n}@example.com` } : { status: 'BLACKLISTED', reason: 'model' };
        const res = await this.mock.request('PATCH', `/api/v0/customers/${target.id}`, { body: patch });
        expect(res.status).toBe(200);
        this.model.set(target.id, res.body);
        return;
      }
      case 'delete': {
        const target = this.pick(action.pick);
        if (!target) return;
        expect((await this.mock.request('DELETE', `/api/v0/customers/${target.id}`)).status).toBe(200);
        this.model.delete(target.id);
        return;
      }
      case 'replace': {
        const customers = Array.from({ length: action.size }, () => aCustomer());
        expect((await this.mock.request('PUT', '/__admin/customers', { body: customers })).status).toBe(200);
        this.model = new Map(customers.map((customer) => [customer.id, customer]));
        return;
      }
      case 'reset':
        expect((await this.mock.request('POST', '/__admin/reset')).status).toBe(200);
        this.model = new Map(this.baseline);
        return;
      case 'compact':
        await this.mock.mock.state!.compact();
            return;
      case 'restart':
        await this.stop();
        return this.start();
      case 'torn crash': {
        await this.stop();
        // The record of a write the crash interrupted: never acknowledged, so never served.
        const record = encodeLine({ type: 'put', customer: aCustomer() });
        if (existsSync(this.journal)) appendFileSync(this.journal, record.slice(0, Math.max(1, Math.floor(action.keep * record.length))));
        return this.start();
      }
    }
  }

  /**
   * Cuts the newest journal at `fraction` of its length: below what it was known to hold on the
   * disk, so the start is refused, naming it; restored, it serves the model again.
   */
  async cutAndCheck(fraction: number): Promise<void> {
    await this.stop();
    if (existsSync(this.journal)) {
      const bytes = readFileSync(this.journal);
      const cut = Math.floor(fraction * bytes.length);
      if (cut < bytes.length) {
        truncateSync(this.journal, cut);
        await expect(this.open()).rejects.toMatchObject({ name: 'StateFileError', file: this.journal });
        writeFileSync(this.journal, bytes);
      }
    }
    await this.start();
    await this.stop();
  }
}

describe('journal replay against a model', () => {
  it('serves exactly the acknowledged writes after every restart, crash and cut', async () => {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.double({ min: 0, max: 1, noNaN: true }), async (actions, cut) => {
        const run = new Run();
        await run.begin();
        for (const action of actions) {
          await run.apply(action);
          expect(sorted(run.mock.store.customers())).toEqual(sorted(run.model.values()));
        }
        steps += actions.length;
        await run.cutAndCheck(cut);
      }),
      { numRuns: 40 },
    );
    console.log(`state replay: 40 random sequences, ${steps} steps, each ending in a cut of the journal at a random byte`);
  }, 120_000);
});
