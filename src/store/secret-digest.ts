import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { isJsonObject } from '../json-object.js';

/**
 * What the state keeps of a sandbox's secret: the SHA-256 of a random salt and the secret, never
 * the secret (shown once, when the sandbox is created). A sandbox secret is 122 random bits, so a
 * salted SHA-256 is as hard to reverse as a slow hash would be, and checking it costs microseconds
 * on every request. @noble/hashes, as for idempotency fingerprints: the engine runs in browsers too.
 */
export interface SecretDigest {
  /** 16 random bytes, hex. */
  readonly salt: string;
  /** SHA-256 of the salt's bytes followed by the secret's UTF-8, hex. */
  readonly sha256: string;
}

export function digestOf(secret: string): SecretDigest {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt: bytesToHex(salt), sha256: bytesToHex(saltedHash(salt, secret)) };
}

/** Whether `value` is a digest as `digestOf` makes them (for records read from a file). */
export function isSecretDigest(value: unknown): value is SecretDigest {
  if (!isJsonObject(value)) return false;
  const { salt, sha256: hash } = value;
  return typeof salt === 'string' && /^[0-9a-f]{32}$/.test(salt) && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash);
}

/** Tells whether a given secret is the one `digest` was made of; the comparison takes the same time whatever differs. */
export function digestMatcher(digest: SecretDigest): (given: string) => boolean {
  const salt = hexToBytes(digest.salt);
  const expected = hexToBytes(digest.sha256);
  return (given) => {
    const actual = saltedHash(salt, given);
    let difference = 0;
    for (let i = 0; i < expected.length; i++) difference |= actual[i]! ^ expected[i]!;
    return difference === 0;
  };
}

function saltedHash(salt: Uint8Array, secret: string): Uint8Array {
  return sha256.create().update(salt).update(utf8ToBytes(secret)).digest();
}
