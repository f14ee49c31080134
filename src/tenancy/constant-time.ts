const utf8 = new TextEncoder();

/**
 * A comparison against a fixed value in time that depends only on that value's length: the given
 * string is written into a buffer of that length (cut short or zero-padded) and every byte is
 * compared, with no early exit; unequal lengths are told apart after the comparison, never before
 * it. Written with web APIs rather than node:crypto's timingSafeEqual so that the mock runs in a
 * browser too. Hashing both sides would do the same job, at the cost of two hashes on every request.
 */
export function constantTimeMatcher(expected: string): (given: string) => boolean {
  const expectedBytes = utf8.encode(expected);
  const scratch = new Uint8Array(expectedBytes.length);
  return (given) => {
    scratch.fill(0);
    const { read, written } = utf8.encodeInto(given, scratch);
    let difference = 0;
    for (let i = 0; i < expectedBytes.length; i++) difference |= scratch[i]! ^ expectedBytes[i]!;
    // Whole when encodeInto read all of it and it filled exactly the expected length.
    return difference === 0 && read === given.length && written === expectedBytes.length;
  };
}
