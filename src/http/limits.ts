import { HttpError } from './errors.js';
import type { Step } from './pipeline.js';

/**
 * Longest request target (path and query) the app accepts. Well below the Node parser's header
 * limit (`MAX_HEADER_BYTES`, which counts the request line too), so a long URL meets this clear
 * 414 before it meets the parser's 431.
 */
export const MAX_REQUEST_TARGET_LENGTH = 16 * 1024;

/** What Node's HTTP parser buffers for the request line and headers together. */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Refuses a request whose path and query together are longer than `maxLength` characters (414). */
export function limitRequestTarget(maxLength: number = MAX_REQUEST_TARGET_LENGTH): Step {
  // Not async: a frame and a promise per request for no await.
  return (c, next) => {
    const url = c.req.url;
    // The URL is absolute here; the origin is not part of what the client sent as its target.
    const targetLength = url.length - url.indexOf('/', url.indexOf('//') + 2);
    if (targetLength > maxLength) throw new HttpError(414, `Request URI is longer than ${maxLength} characters`);
    return next();
  };
}

/**
 * Deepest JSON nesting a body may have. The documented bodies nest three levels; far deeper ones
 * would exhaust the stack of the recursive steps after parsing (cloning, validating).
 */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests objects and arrays deeper than `maxDepth`; checked without recursion. */
export function nestsDeeperThan(value: unknown, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
