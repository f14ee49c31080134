import type { CustomerWire } from '../domain/customer-wire.js';
import type { Entry } from './ordered-entries.js';

/**
 * The JSON text of recently served customers. Serialising is most of the cost of answering a
 * page, and clients read the same pages again and again; entries never change (a write makes a
 * new one), so a kept text is never stale. Bounded, so memory stays flat at a million customers:
 * past the capacity the oldest text goes first.
 */
export class JsonCache {
  private readonly texts = new Map<Entry, string>();

  constructor(
    private readonly capacity: number,
    private readonly wire: CustomerWire,
  ) {}

  of(entry: Entry): string {
    let text = this.texts.get(entry);
    if (text === undefined) {
      text = JSON.stringify(this.wire.toWire(entry.customer));
      if (this.texts.size >= this.capacity) this.texts.delete(this.texts.keys().next().value!);
      this.texts.set(entry, text);
    }
    return text;
  }

  clear(): void {
    this.texts.clear();
  }
}
