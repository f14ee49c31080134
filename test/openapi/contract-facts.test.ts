import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_DEFAULTS, CUSTOMER_STATUSES, CUSTOMER_TYPES, NOT_FOUND_MESSAGE, PAGE_SIZE_MAX } from '../../src/openapi/contract-facts.generated.js';

// The document states these facts; code imports them from src/openapi/contract-facts.generated.ts
// (compiled from the document, see scripts/compile-openapi.mjs). These checks fail when TypeScript
// writes one of them again, so that a change to the document cannot leave a stale copy behind.

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['src', 'contract-tests', 'test', 'bench', 'examples', 'scripts'];
const GENERATED = /\.generated\.ts$|openapi-types\.ts$/;
/** Tests that assert what the wire carries keep their literal expectations: a response is checked against the value, not against the code under test. */
const ASSERTS_THE_WIRE = /expect|toBe|toEqual|expectError/;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !GENERATED.test(file));
}

/** Every source line for which `restates` holds, as `file:line: text`. */
function restatements(restates: (line: string) => boolean): string[] {
  return FOLDERS.flatMap(sourceFiles).flatMap((file) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .flatMap((line, index) => (restates(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
  );
}

const quoted = (value: string) => new RegExp(`['"\`]${value}['"\`]`);

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
    const defaults = Object.entries(CUSTOMER_DEFAULTS).map(([field, value]) => new RegExp(`\\?\\?\\s*['"\`]${value}['"\`]|\\b${field}\\s*:\\s*['"\`]${value}['"\`]\\s*,?\\s*$`));
    const inCode = (line: string) => !ASSERTS_THE_WIRE.test(line) && defaults.some((pattern) => pattern.test(line));
    expect(restatements((line) => inCode(line)).filter((hit) => hit.startsWith('src/'))).toEqual([]);
  });

  it('the not-found message: throw CustomerNotFoundError, or import NOT_FOUND_MESSAGE', () => {
    const message = quoted(NOT_FOUND_MESSAGE);
    expect(restatements((line) => message.test(line) && !ASSERTS_THE_WIRE.test(line)).filter((hit) => hit.startsWith('src/'))).toEqual([]);
  });
});
