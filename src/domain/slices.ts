/**
 * Heavy work done in slices, so that a mock serving many tenants keeps answering the others while
 * one sandbox's 100,000 customers are generated and indexed. The work is a generator that yields
 * at points where it may be interrupted (every few hundred items); `runAll` runs it at once (a
 * start-up, which nothing waits behind), `runInSlices` hands the event loop back whenever a slice
 * has run SLICE_MS.
 */
export type SlicedWork<T> = Generator<void, T, void>;

/** How long one slice may hold the event loop. */
export const SLICE_MS = 2;

export function runAll<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

export async function runInSlices<T>(work: SlicedWork<T>): Promise<T> {
  let sliceStarted = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted < SLICE_MS) continue;
    await nextTurn();
    sliceStarted = performance.now();
  }
}

/** After the I/O already waiting (setImmediate where there is one: Node; a timer in browsers). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Items between two yields: small enough that a yield comes well within a slice. */
export const ITEMS_PER_YIELD = 64;

/** `items.map(convert)` as work that yields every ITEMS_PER_YIELD items. */
export function* mapping<T, U>(items: readonly T[], convert: (item: T) => U): SlicedWork<U[]> {
  const converted: U[] = [];
  for (let i = 0; i < items.length; i++) {
    converted.push(convert(items[i]!));
    if (i % ITEMS_PER_YIELD === 0) yield;
  }
  return converted;
}

/**
 * Sorts `items` in place: in one native sort when `sliced` is false; else as a merge sort of
 * runs of ITEMS_PER_YIELD * 16, yielding between runs and every ITEMS_PER_YIELD merged items.
 */
export function* sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, sliced: boolean): SlicedWork<void> {
  if (!sliced) {
    items.sort(compare);
    return;
  }
  const run = ITEMS_PER_YIELD * 16;
  for (let start = 0; start < items.length; start += run) {
    const sorted = items.slice(start, start + run).sort(compare);
    for (let i = 0; i < sorted.length; i++) items[start + i] = sorted[i]!;
    yield;
  }
  let from = items;
  let to = new Array<T>(items.length);
  for (let width = run; width < items.length; width *= 2) {
    for (let start = 0; start < items.length; start += 2 * width) {
      const middle = Math.min(start + width, items.length);
      const end = Math.min(start + 2 * width, items.length);
      let [left, right] = [start, middle];
      for (let out = start; out < end; out++) {
        to[out] = right >= end || (left < middle && compare(from[left]!, from[right]!) <= 0) ? from[left++]! : from[right++]!;
        if (out % ITEMS_PER_YIELD === 0) yield;
      }
    }
    [from, to] = [to, from];
  }
  if (from !== items) for (let i = 0; i < items.length; i++) items[i] = from[i]!;
}
