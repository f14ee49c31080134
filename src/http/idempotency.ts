import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import type { Responses } from './responses.js';
import type { Step } from './pipeline.js';
import { authenticatedApplication } from './auth.js';

/**
 * @noble/hashes (audited, no dependencies) rather than node:crypto, so the mock runs in a browser
 * too; and not Web Crypto, whose digest is asynchronous: on Node it goes through the thread pool,
 * which costs about twenty times as much and lets a write finish ticks after its request was read.
 */
function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * Same key, same request: the first response again, with no second write. Same key, different
 * request: 409. A retry that arrives while the first request is still being served (its write
 * waiting for the disk, with `--state`) waits for that answer: the same request gets the same
 * answer with or without `--state`, whatever the `--fsync` policy. Only responses the operation
 * itself produced are kept; a 5xx is not, so a retry with the same key runs the operation again.
 */
export function idempotency(responses: Responses): Step {
  return async (c, next) => {
    const key = requestHeaders(c)['idempotency-key'];
    if (key === undefined) return next();
    const store = authenticatedApplication(c).idempotency;
    const fingerprint = sha256Hex(`${c.req.method}\u0000${c.req.path}\u0000${c.get('valid').rawBody}`);
    let existing = store.lookup(key);
    while (existing !== undefined && existing.response === undefined && existing.fingerprint === fingerprint) {
      await existing.answered;
      existing = store.lookup(key);
    }
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new HttpError(409, 'Conflict: Idempotency key already used with different request data');
      }
      return responses.body(c, existing.response!.body, existing.response!.status, existing.response!.contentType, { 'Idempotent-Replayed': 'true' });
    }
    const record = store.begin(key, fingerprint);
    try {
      // Hono turns a thrown error into its response before next() returns, so 404s and 409s are kept too.
      await next();
      const response = c.res;
      if (response.status >= 500) {
        store.forget(key);
        return;
      }
      const body = await response.clone().text();
      record.response = {
        status: response.status,
        body,
        contentType: response.headers.get('content-type') ?? 'application/json',
      };
    } catch (error) {
      // No answer to keep: the waiting retries run the operation themselves.
      store.forget(key);
      throw error;
    } finally {
      record.settle();
    }
  };
}
