/**
 * Reads a byte stream whole, or stops as soon as it has passed `limitBytes` (cancelling the rest,
 * so a huge body is never buffered): undefined then. Errors of the stream itself are thrown.
 * Shared by the mock (request bodies, 413) and the client (response bodies), which word the
 * refusal each in its own terms.
 */
export async function readLimited(stream: ReadableStream<Uint8Array>, limitBytes: number): Promise<Buffer | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    received += value.byteLength;
    if (received > limitBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}
