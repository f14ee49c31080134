import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_DEFAULTS, CUSTOMER_STATUSES, CUSTOMER_TYPES, NOT_FOUND_MESSAGE, PAGE_SIZE_MAX } from '../../src/openapi/contract-facts.generated.js';

// The document states these facts; code imports them from src/openapi/contract-facts.generated.ts
// (compiled from the document, see scripts/compile-openapi.mjs). These checks fail when TypeScript
// writes one of them again, so that a change to the document cannot leave a stale copy behind.

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['src', 'contract-tests', 'test', 'bench', 'examples', 'scripts'];
/**
 * The product's code: the mock and the kit. Tests, benchmarks and examples write values on the
 * wire as literals on purpose (a response is checked against the value, not against the code
 * under test), so the checks of a value that also appears in requests and answers look here only.
 * Where a line is, not what words it holds, decides: no wording slips past.
 */
const PRODUCT = ['src', 'contract-tests'];
const GENERATED = /\.generated\.ts$|openapi-types\.ts$/;
/**
 * Servers of the API written apart from this project (test/support/independent/), to show the kit
 * catches what an outside backend gets wrong: they restate the document on purpose, as any backend
 * does, and must import nothing of it.
 */
const WRITTEN_APART = /^test\/support\/independent\//;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !GENERATED.test(file) && !WRITTEN_APART.test(file));
}

/** Every source line for which `restates` holds, as `file:line: text`; `restates` sees the line and the few after it. */
function restatements(restates: (line: string, following: string) => boolean, folders = FOLDERS): string[] {
  return folders.flatMap(sourceFiles).flatMap((file) => {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    return lines.flatMap((line, index) => (restates(line, lines.slice(index, index + WINDOW).join('\n')) ? [`${file}:${index + 1}: ${line.trim()}`] : []));
  });
}

/** Lines an object literal of the defaults may span, one field to a line. */
const WINDOW = Object.keys(CUSTOMER_DEFAULTS).length + 1;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quoted = (value: string) => new RegExp(`['"\`]${escape(value)}['"\`]`);

/**
 * A create's defaults restated: a default's value given as a fallback or a default (`?? 'ACTIVE'`,
 * `|| 'ACTIVE'`, `status = 'ACTIVE'`), or every default's field paired with its value within a few
 * lines (an object of the defaults), whatever else the line says. A single `status: 'ACTIVE'` is a
 * restore, not a default.
 */
function restatesDefaults(line: string, following: string): boolean {
  const entries = Object.entries(CUSTOMER_DEFAULTS);
  const fallback = entries.some(([, value]) => new RegExp(`(?:\\?\\?|\\|\\||(?<![=!<>])=(?![=>]))\\s*${quoted(value).source}`).test(line));
  const pair = ([field, value]: [string, string]) => new RegExp(`\\b${field}['"]?\\s*:\\s*${quoted(value).source}`);
  const objectOfDefaults = entries.some((entry) => pair(entry).test(line)) && entries.every((entry) => pair(entry).test(following));
  return fallback || objectOfDefaults;
}

describe('facts the document states are not restated in TypeScript', () => {
  it('the statuses: a line quoting three or more of them is a status list; import CUSTOMER_STATUSES', () => {
    const statuses = CUSTOMER_STATUSES.map(quoted);
    expect(restatements((line) => statuses.filter((status) => status.test(line)).length >= 3)).toEqual([]);
  });

  it('the customer types: a line quoting three or more of them is a type list; import CUSTOMER_TYPES', () => {
    const types = CUSTOMER_TYPES.map(quoted);
    expect(restatements((line) => types.filter((type) => type.test(line)).length >= 3)).toEqual([]);
  });

  it('the page maximum bounding take: import PAGE_SIZE_MAX', () => {
    const max = String(PAGE_SIZE_MAX);
    const declared = new RegExp(`\\b(?:const|let)\\s+\\w*(?:PAGE|TAKE)\\w*\\s*(?::\\s*\\w+\\s*)?=\\s*${max}\\b`, 'i');
    const compared = new RegExp(`\\btake\\w*\\s*(?:[<>]=?|\\?\\?)\\s*${max}\\b|\\b${max}\\s*[<>]=?\\s*\\w*take`, 'i');
    expect(restatements((line) => declared.test(line) || compared.test(line))).toEqual([]);
  });

  it("a create's defaults: import CUSTOMER_DEFAULTS", () => {
    expect(restatements(restatesDefaults, PRODUCT)).toEqual([]);
  });

  it.each([
    "const expected = { ...body, customer_type: body.customer_type ?? 'Individual', status: body.status ?? 'ACTIVE' };",
    'expect(created.status || "ACTIVE").toBe(actual); // wording about expectations does not excuse it',
    'function create(customer_type = `Individual`) {',
    "const defaults = { customer_type: 'Individual', status: 'ACTIVE' };",
    "const toEqual = {\n  status: 'ACTIVE',\n  customer_type: 'Individual',\n};",
  ])('the defaults check catches, whatever its words: %s', (code) => {
    const lines = code.split('\n');
    expect(lines.some((line, index) => restatesDefaults(line, lines.slice(index, index + WINDOW).join('\n')))).toBe(true);
  });

  it.each(["restore: (id, o) => update(id, { status: 'ACTIVE' }, o),", "if (status === 'ACTIVE') return;", "customer_type: CUSTOMER_DEFAULTS.customer_type,"])(
    'the defaults check leaves alone what is no default: %s',
    (code) => {
      expect(restatesDefaults(code, code)).toBe(false);
    },
  );

  it('the not-found message: throw CustomerNotFoundError, or import NOT_FOUND_MESSAGE', () => {
    const message = quoted(NOT_FOUND_MESSAGE);
    expect(restatements((line) => message.test(line), PRODUCT)).toEqual([]);
  });
});
