import { compareOrderKeys } from '../domain/query.js';
import type { SlicedWork } from '../domain/slices.js';
import type { Customer } from '../domain/customer.js';

/** A customer with the keys the indexes sort and search by, computed once per write. */
export interface Entry {
  readonly customer: Customer;
  /** The list-order key (`orderTime` of `domain/query`), sorted descending. */
  readonly time: number;
  /** The customer's group in the name index. */
  readonly nameGroup: number;
}

export function compareEntries(a: Entry, b: Entry): number {
  return compareOrderKeys(a.time, a.customer.id, b.time, b.customer.id);
}

/**
 * Chunks stay between a quarter of and twice this size. Small enough that a splice inside one is
 * a short copy, large enough that walking the chunk list to a position is a short loop at 1M entries.
 */
const CHUNK_SIZE = 512;

/**
 * A run of entries in list order, with their name groups alongside: a name search scans that flat
 * array of small integers and touches only the entries it keeps (following a pointer to each of a
 * million scattered entries would cost a cache miss apiece).
 */
interface Chunk {
  entries: Entry[];
  groups: number[];
}

/**
 * Entries kept in list order as a list of sorted chunks: a write splices one small chunk instead
 * of shifting a million-element array, a page is found by skipping whole chunks, a count is a length.
 */
export class OrderedEntries {
  private chunks: Chunk[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  /**
   * Replaces the contents with `entries`, already in list order (the array is not kept), as work
   * that yields every few chunks when `sliced`. The contents are whole only once it is done.
   */
  *filling(entries: readonly Entry[], sliced: boolean): SlicedWork<void> {
    this.chunks = [];
    for (let start = 0; start < entries.length; start += CHUNK_SIZE) {
      this.chunks.push(chunkOf(entries.slice(start, start + CHUNK_SIZE)));
      if (sliced && this.chunks.length % 4 === 0) yield;
    }
    this.count = entries.length;
  }

  /** The entries at positions [start, end) in list order. */
  slice(start: number, end: number): Entry[] {
    const out: Entry[] = [];
    let offset = 0;
    for (const { entries } of this.chunks) {
      if (offset >= end) break;
      if (offset + entries.length > start) out.push(...entries.slice(Math.max(0, start - offset), end - offset));
      offset += entries.length;
    }
    return out;
  }

  /**
   * The entries at positions [skip, skip + take) among those whose name group is set in `matched`,
   * given how many there are in all (`total`, which the name index counts). Walks from whichever
   * end of the list is nearer to the page, so no page needs more than half a walk.
   */
  pageOfGroups(matched: Uint8Array, total: number, skip: number, take: number): Entry[] {
    const end = Math.min(total, skip + take);
    const out: Entry[] = [];
    if (skip >= end) return out;
    let seen = 0;
    if (skip <= total - end) {
      for (const { entries, groups } of this.chunks) {
        for (let i = 0; i < groups.length; i++) {
          if (matched[groups[i]!] === 0) continue;
          if (seen >= skip) out.push(entries[i]!);
          if (++seen === end) return out;
        }
      }
    } else {
      // Counted from the end, the page is the positions [total - end, total - skip).
      for (let c = this.chunks.length - 1; c >= 0; c--) {
        const { entries, groups } = this.chunks[c]!;
        for (let i = groups.length - 1; i >= 0; i--) {
          if (matched[groups[i]!] === 0) continue;
          if (seen >= total - end) out.push(entries[i]!);
          if (++seen === total - skip) return out.reverse();
        }
      }
    }
    throw new Error(`index out of step: ${total} matches counted, ${seen} found`);
  }

  /** Every entry's customer, in list order. */
  customers(): Customer[] {
    return this.collect((entry) => entry.customer);
  }

  /**
   * One array, sized once and filled in one loop. At a million entries, flatMap over the chunks
   * then map took about 0.6 s, on the event loop, when a snapshot began; this takes a few tens of ms.
   */
  private collect<T>(pick: (entry: Entry) => T): T[] {
    const out = new Array<T>(this.count);
    let at = 0;
    for (const { entries } of this.chunks) for (const entry of entries) out[at++] = pick(entry);
    return out;
  }

  insert(entry: Entry): void {
    if (this.chunks.length === 0) this.chunks.push(chunkOf([]));
    const index = this.chunkFor(entry);
    const chunk = this.chunks[index]!;
    const at = lowerBound(chunk.entries, entry);
    chunk.entries.splice(at, 0, entry);
    chunk.groups.splice(at, 0, entry.nameGroup);
    this.count++;
    if (chunk.entries.length > 2 * CHUNK_SIZE) {
      this.chunks.splice(index + 1, 0, { entries: chunk.entries.splice(CHUNK_SIZE), groups: chunk.groups.splice(CHUNK_SIZE) });
    }
  }

  remove(entry: Entry): void {
    const index = this.chunkFor(entry);
    const chunk = this.chunks[index];
    const at = chunk ? lowerBound(chunk.entries, entry) : -1;
    if (!chunk || chunk.entries[at] !== entry) {
      throw new Error(`index out of step: ${entry.customer.id} is not where its order says`);
    }
    chunk.entries.splice(at, 1);
    chunk.groups.splice(at, 1);
    this.count--;
    if (chunk.entries.length === 0) this.chunks.splice(index, 1);
    else if (chunk.entries.length < CHUNK_SIZE / 4 && index + 1 < this.chunks.length) this.mergeWithNext(index);
  }

  /** The chunk an entry belongs in: the first whose last entry is not before it (else the last chunk). */
  private chunkFor(entry: Entry): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const { entries } = this.chunks[mid]!;
      if (compareEntries(entries[entries.length - 1]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private mergeWithNext(index: number): void {
    const chunk = this.chunks[index]!;
    const next = this.chunks[index + 1]!;
    if (chunk.entries.length + next.entries.length > 2 * CHUNK_SIZE) return;
    this.chunks.splice(index, 2, { entries: chunk.entries.concat(next.entries), groups: chunk.groups.concat(next.groups) });
  }
}

function chunkOf(entries: Entry[]): Chunk {
  return { entries, groups: entries.map((entry) => entry.nameGroup) };
}

function lowerBound(items: readonly Entry[], entry: Entry): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareEntries(items[mid]!, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
