import { ITEMS_PER_YIELD, type SlicedWork } from '../domain/slices.js';
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

/**
 * Whether a parsed JSON value nests objects and arrays deeper than `maxDepth`, checked without
 * recursion, as work in slices (see domain/slices.ts) that yields every few dozen containers.
 */
export function* nestingDeeperThan(value: unknown, maxDepth: number = MAX_JSON_DEPTH): SlicedWork<boolean> {
  // Only containers are pushed: an upload of 100,000 customers holds over a million scalars.
  const containers: object[] = isContainer(value) ? [value] : [];
  const depths: number[] = [0];
  for (let walked = 1; containers.length > 0; walked++) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (depth >= maxDepth) return true;
    // Own values (Object.values), not `container[key]`: a `__proto__` key is an own property.
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (!isContainer(child)) continue;
      containers.push(child);
      depths.push(depth + 1);
    }
    if (walked % ITEMS_PER_YIELD === 0) yield;
  }
  return false;
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
