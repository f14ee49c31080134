import { ITEMS_PER_YIELD, type SlicedWork } from '../domain/slices.js';

/**
 * `JSON.parse` as work in slices (see domain/slices.ts), for the admin uploads: a data set of
 * 100,000 customers is 40 MB of JSON, a quarter of a second of parsing in one go. The arrays at
 * the top of the text (the text itself, or a member of the object it is) are cut into their
 * elements by a scan that only matches brackets and quotes, and each element is parsed by
 * `JSON.parse`, which does all the checking: a text parses here exactly when `JSON.parse` takes
 * it, to the same value (a property test holds this), or throws a SyntaxError.
 */
export function* parsingJson(text: string, { inOneGoBelow = IN_ONE_GO_BELOW }: { readonly inOneGoBelow?: number } = {}): SlicedWork<unknown> {
  const start = skipSpace(text, 0);
  const open = text.charCodeAt(start);
  if (text.length < inOneGoBelow || (open !== OPEN_BRACKET && open !== OPEN_BRACE)) {
    const whole: unknown = JSON.parse(text);
    return whole;
  }
  const scan = { text, at: start };
  const value = open === OPEN_BRACKET ? yield* parsingArray(scan) : yield* parsingObject(scan);
  if (skipSpace(text, scan.at) !== text.length) throw new SyntaxError(`Unexpected text after the JSON value at position ${scan.at}`);
  return value;
}

/** Characters of a text parsed in one go: well under a slice, and every body but an upload's. */
const IN_ONE_GO_BELOW = 64 * 1024;

interface Scan {
  readonly text: string;
  /** Where the scan is: the next character to read. */
  at: number;
}

/** The array at `scan.at` (its `[`), each element parsed by JSON.parse, yielding every few dozen. */
function* parsingArray(scan: Scan): SlicedWork<unknown[]> {
  const elements: unknown[] = [];
  scan.at = skipSpace(scan.text, scan.at + 1);
  if (scan.text.charCodeAt(scan.at) === CLOSE_BRACKET) {
    scan.at++;
    return elements;
  }
  for (;;) {
    const end = valueEnd(scan.text, scan.at);
    elements.push(JSON.parse(scan.text.slice(scan.at, end)));
    if (elements.length % ITEMS_PER_YIELD === 0) yield;
    if (!afterSeparator(scan, end, CLOSE_BRACKET)) return elements;
  }
}

/**
 * The object at `scan.at` (its `{`): each member's value parsed by JSON.parse, but an array value's
 * elements one by one. Members are defined, not assigned, as JSON.parse does: a `__proto__` key is
 * an own property, never the object's prototype.
 */
function* parsingObject(scan: Scan): SlicedWork<Record<string, unknown>> {
  const object: Record<string, unknown> = {};
  const { text } = scan;
  scan.at = skipSpace(text, scan.at + 1);
  if (text.charCodeAt(scan.at) === CLOSE_BRACE) {
    scan.at++;
    return object;
  }
  for (;;) {
    if (text.charCodeAt(scan.at) !== QUOTE) throw unexpected(text, scan.at);
    const keyEnd = stringEnd(text, scan.at);
    const key: unknown = JSON.parse(text.slice(scan.at, keyEnd));
    const colon = skipSpace(text, keyEnd);
    if (text.charCodeAt(colon) !== COLON) throw unexpected(text, colon);
    scan.at = skipSpace(text, colon + 1);
    let value: unknown;
    let end: number;
    if (text.charCodeAt(scan.at) === OPEN_BRACKET) {
      value = yield* parsingArray(scan);
      end = scan.at;
    } else {
      end = valueEnd(text, scan.at);
      value = JSON.parse(text.slice(scan.at, end));
    }
    Object.defineProperty(object, String(key), { value, writable: true, enumerable: true, configurable: true });
    if (!afterSeparator(scan, end, CLOSE_BRACE)) return object;
  }
}

/**
 * After a member or element ending at `end`: true, with `scan.at` on the next one, after a comma;
 * false, with `scan.at` past the container, after `close`.
 */
function afterSeparator(scan: Scan, end: number, close: number): boolean {
  const next = skipSpace(scan.text, end);
  const code = scan.text.charCodeAt(next);
  if (code === COMMA) {
    scan.at = skipSpace(scan.text, next + 1);
    return true;
  }
  if (code === close) {
    scan.at = next + 1;
    return false;
  }
  throw unexpected(scan.text, next);
}

/**
 * Where the value starting at `start` ends: past its closing bracket or quote, or, for a number or
 * literal, at the first character that cannot continue one. Nothing is checked but the nesting of
 * brackets outside strings; JSON.parse checks the rest.
 */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACKET && first !== OPEN_BRACE) {
    let at = start;
    while (at < text.length && !ENDS_A_SCALAR.has(text.charCodeAt(at))) at++;
    if (at === start) throw unexpected(text, start);
    return at;
  }
  let depth = 0;
  for (let at = start; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) at = stringEnd(text, at) - 1;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) depth++;
    else if ((code === CLOSE_BRACKET || code === CLOSE_BRACE) && --depth === 0) return at + 1;
  }
  throw new SyntaxError('Unexpected end of JSON input');
}

/** Past the closing quote of the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) throw new SyntaxError('Unterminated string in JSON');
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (JSON_SPACE.has(text.charCodeAt(at))) at++;
  return at;
}

function unexpected(text: string, at: number): SyntaxError {
  return at >= text.length ? new SyntaxError('Unexpected end of JSON input') : new SyntaxError(`Unexpected character in JSON at position ${at}`);
}

const QUOTE = '"'.charCodeAt(0);
const BACKSLASH = '\\'.charCodeAt(0);
const COMMA = ','.charCodeAt(0);
const COLON = ':'.charCodeAt(0);
const OPEN_BRACKET = '['.charCodeAt(0);
const CLOSE_BRACKET = ']'.charCodeAt(0);
const OPEN_BRACE = '{'.charCodeAt(0);
const CLOSE_BRACE = '}'.charCodeAt(0);
/** The four whitespace characters of JSON (RFC 8259 §2); JSON.parse allows no other. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ENDS_A_SCALAR = new Set([...JSON_SPACE, COMMA, CLOSE_BRACKET, CLOSE_BRACE, COLON, QUOTE, OPEN_BRACKET, OPEN_BRACE]);
