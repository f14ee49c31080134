import { randomBytes } from 'node:crypto';
import type { Customer } from '../domain/customer.js';
import type { ContractKit } from './kit.js';

/** What the kit does with its records at the end: delete them, or, where DELETE is not routed, deactivate them. */
export type Disposal = 'delete' | 'deactivate';

/**
 * The records a run created, and nothing else: every write the kit sends targets one of these.
 * Each carries the run's tag in its names and email, so even a record whose create response was
 * lost is found again by a name lookup, and removed at the end whatever happened.
 */
export class OwnRecords {
  /** Unique to this run: letters only, so a name filter finds exactly the run's records. */
  readonly tag = `ck${randomBytes(6).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!)}`;
  private readonly ids = new Set<string>();
  private sequence = 0;
  disposal: Disposal = 'delete';
  /** Records left on the server (deactivated) because DELETE is not routed there. */
  readonly leftDeactivated: string[] = [];

  constructor(private readonly kit: ContractKit) {}

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
      const data = (lookup.response.body as { data?: unknown } | null)?.data;
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
