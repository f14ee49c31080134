import { randomBytes } from 'node:crypto';
import { ApiError, type CustomersClient } from '../client/index.js';
import type { Customer } from '../domain/customer.js';
import type { ContractKit } from './kit.js';
import { asError } from '../caught-error.js';
import { isJsonObject } from '../json-object.js';

/** `count` random lowercase letters: a name filter on them cannot match digits of a phone or id. */
function randomLetters(count: number): string {
  return [...randomBytes(count)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

/** A run's tag: in every record the run creates, so that the runner finds them all again. */
export function newRunTag(): string {
  return `ck${randomLetters(10)}`;
}

/** What the kit does with its records at the end: delete them, or, where DELETE is not routed, deactivate them. */
export type Disposal = 'delete' | 'deactivate';

/**
 * The records a run created, and nothing else: every write the kit sends targets one of these.
 * Each carries the run's tag in its names and email, so even a record whose create response was
 * lost is found again by a name lookup, and removed at the end whatever happened.
 */
export class OwnRecords {
  /**
   * The run's tag and letters of its own (all the same length, so no tag is part of another): a
   * name filter on it finds exactly these records, and one on the run's tag every record of the run.
   */
  readonly tag: string;
  private readonly ids = new Set<string>();
  private sequence = 0;
  disposal: Disposal = 'delete';
  /** Records left on the server (deactivated) because DELETE is not routed there. */
  readonly leftDeactivated: string[] = [];

  constructor(private readonly kit: ContractKit) {
    this.tag = `${kit.runTag}${randomLetters(4)}`;
  }

  /**
   * A fresh marker for one record: both names and the email carry the run's tag and the record's
   * own `lookup`, so a name filter finds the record even when one of its names is changed.
   */
  nextMarker(): { first_name: string; last_name: string; email: string; lookup: string } {
    const lookup = `${this.tag}n${++this.sequence}x`;
    return { first_name: `Kit${lookup}`, last_name: `Rec${lookup}`, email: `contract-kit+${lookup}@example.com`, lookup };
  }

  remember(id: string): void {
    this.ids.add(id);
  }

  forget(id: string): void {
    this.ids.delete(id);
  }

  /**
   * Removes every record of the run: the ones it knows, and any the tag finds (a create whose
   * response was lost). Runs beyond the request budget. Returns what could not be removed.
   */
  async cleanUp(): Promise<string[]> {
    return this.kit.beyondBudget(async () => {
      const leftovers: string[] = [];
      const lookup = await this.kit.send('listCustomers', { query: { name: this.tag, take: 100 } });
      const body = lookup.response.body;
      const data = isJsonObject(body) ? body.data : undefined;
      if (lookup.response.status !== 200 || !Array.isArray(data)) leftovers.push(`unknown: the lookup by name ${this.tag} answered ${lookup.response.status}`);
      // Ids are read leniently: the list response may be the very thing that is broken.
      const listed = Array.isArray(data) ? data.map((c: Partial<Customer> | null) => c?.id).filter((id): id is string => typeof id === 'string') : [];
      for (const id of new Set([...this.ids, ...listed])) {
        if (this.disposal === 'delete') {
          const { response } = await this.kit.send('deleteCustomer', { params: { id } });
          if (response.status !== 200 && response.status !== 404) leftovers.push(`${id} (delete answered ${response.status})`);
        } else {
          const { response } = await this.kit.send('updateCustomer', { params: { id }, body: { status: 'DEACTIVATED' } });
          if (response.status === 200) this.leftDeactivated.push(id);
          else if (response.status !== 404) leftovers.push(`${id} (deactivation answered ${response.status})`);
        }
        this.ids.delete(id);
      }
      return leftovers;
    });
  }
}

/** What `sweepRun` did with the records of a run. */
export interface Sweep {
  readonly deleted: readonly string[];
  /** Left on the server, deactivated: DELETE is not routed there. */
  readonly deactivated: readonly string[];
  /** Could not be removed, with the reason. */
  readonly leftovers: readonly string[];
}

/**
 * Removes every record carrying the run's tag, found by the name filter: what the runner does when
 * the checks were stopped (Ctrl-C) before their own cleanup could run. A record whose DELETE is a
 * 404 while an update still finds it lives where DELETE is not routed: it is deactivated instead.
 */
export async function sweepRun(client: CustomersClient, tag: string): Promise<Sweep> {
  const deleted: string[] = [];
  const deactivated: string[] = [];
  const leftovers: string[] = [];
  const statusOf = (work: Promise<unknown>): Promise<number> =>
    work.then(
      () => 200,
      (error: unknown) => {
        if (error instanceof ApiError) return error.status;
        throw error;
      },
    );
  const ids: string[] = [];
  try {
    for await (const customer of client.customers.all({ name: tag })) ids.push(customer.id);
  } catch (error) {
    leftovers.push(`unknown: the lookup by name ${tag} failed (${asError(error).message})`);
  }
  for (const id of ids) {
    const deletion = await statusOf(client.customers.delete(id));
    if (deletion === 200) deleted.push(id);
    else if (deletion !== 404) leftovers.push(`${id} (delete answered ${deletion})`);
    else {
      const deactivation = await statusOf(client.customers.update(id, { status: 'DEACTIVATED' }));
      if (deactivation === 200) deactivated.push(id);
      else if (deactivation !== 404) leftovers.push(`${id} (deactivation answered ${deactivation})`);
    }
  }
  return { deleted, deactivated, leftovers };
}
