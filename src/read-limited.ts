/**
 * Reads a byte stream whole, or stops as soon as it has passed `limitBytes` (cancelling the rest,
 * so a huge body is never buffered): undefined then. Errors of the stream itself are thrown.
 * Shared by the mock (request bodies, 413) and the client (response bodies), which word the
 * refusal each in its own terms.
 */
export async function readLimited(stream: ReadableStream<Uint8Array>, limitBytes: number): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatenate(chunks, received);
    received += value.byteLength;
    if (received > limitBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
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

// ignoreBOM keeps a leading byte-order mark in the text, as Buffer's toString('utf8') does.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The bytes as text; malformed UTF-8 becomes U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
