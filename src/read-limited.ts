/**
 * Reads a byte stream whole, or stops as soon as it has passed `limitBytes` (cancelling the rest,
 * so a huge body is never buffered): undefined then. Errors of the stream itself are thrown.
 * Shared by the mock (request bodies, 413) and the client (response bodies), which word the
 * refusal each in its own terms.
 */
export async function readLimited(stream: ReadableStream<Uint8Array>, limitBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  const whole = await eachChunk(stream, limitBytes, (chunk) => {
    chunks.push(chunk);
    received += chunk.byteLength;
  });
  return whole ? concatenate(chunks, received) : undefined;
}

/**
 * `readLimited` as text, each chunk decoded as it arrives (malformed UTF-8 becomes U+FFFD): a body
 * of tens of megabytes is never copied and decoded in one go, which would hold the event loop.
 */
export async function readLimitedText(stream: ReadableStream<Uint8Array>, limitBytes: number): Promise<string | undefined> {
  const decoder = utf8Decoder();
  const parts: string[] = [];
  const whole = await eachChunk(stream, limitBytes, (chunk) => parts.push(decoder.decode(chunk, { stream: true })));
  return whole ? parts.join('') + decoder.decode() : undefined;
}

/** Hands each chunk to `take`; false, with the rest cancelled, as soon as the stream passes `limitBytes`. */
async function eachChunk(stream: ReadableStream<Uint8Array>, limitBytes: number, take: (chunk: Uint8Array) => void): Promise<boolean> {
  const reader = stream.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    received += value.byteLength;
    if (received > limitBytes) {
      await reader.cancel();
      return false;
    }
    take(value);
  }
}

function concatenate(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/** Malformed UTF-8 becomes U+FFFD; ignoreBOM keeps a leading byte-order mark in the text, as Buffer's toString('utf8') does. */
function utf8Decoder() {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}

const utf8 = utf8Decoder();

/** The bytes as text; malformed UTF-8 becomes U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
