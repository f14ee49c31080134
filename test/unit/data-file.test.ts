import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidDataSetError } from '../../src/domain/errors.js';
import { customerCheck } from '../../src/engine.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { formatDataSet, readDataSet, removeAbandonedTemporaryFiles, type CustomerCheck } from '../../src/store/data-file.js';
import { aCustomer } from '../support/customers.js';

let check: CustomerCheck;
let folder: string;
beforeAll(async () => {
  check = customerCheck(await getSpecModel());
});
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'data-file-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function fileWith(content: string): string {
  const path = join(folder, 'customers.json');
  writeFileSync(path, content);
  return path;
}

function failureOf(path: string): InvalidDataSetError {
  try {
    readDataSet(path, check);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDataSetError);
    return error as InvalidDataSetError;
  }
  throw new Error(`${path} was accepted`);
}

describe('readDataSet', () => {
  it('reads what formatDataSet wrote', () => {
    const customers = [aCustomer(), aCustomer({ email: null })];
    for (const pretty of [true, false]) {
      expect(readDataSet(fileWith(formatDataSet(customers, pretty)), check)).toEqual(customers);
    }
  });

  it("keeps each customer with its fields in the document's order, whatever order the file gave", () => {
    const customer = aCustomer();
    const [read] = readDataSet(fileWith(JSON.stringify([Object.fromEntries(Object.entries(customer).reverse())])), check);
    expect(JSON.stringify(read)).toBe(JSON.stringify(customer));
  });

  it('reads an empty array as an empty data set', () => {
    expect(readDataSet(fileWith('[]'), check)).toEqual([]);
  });

  it.each([
    ['not JSON', '{"oops', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['not an array', '{"customers": []}', /must hold a JSON array of customers/],
    ['an invalid customer', JSON.stringify([aCustomer(), { ...aCustomer(), status: 'GONE' }]), /\[1\] status must be one of/],
    ['a non-object entry', JSON.stringify([42]), /\[0\] customer must be a JSON object/],
  ])('rejects a file that is %s, naming the file', (_what, content, message) => {
    const path = fileWith(content);
    const error = failureOf(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(message);
  });

  it('rejects a missing file, naming it', () => {
    const path = join(folder, 'absent.json');
    expect(failureOf(path).message).toContain(`cannot read ${path}`);
  });

  it('rejects duplicate ids, naming the file', () => {
    const first = aCustomer();
    const path = fileWith(JSON.stringify([first, aCustomer({ id: first.id })]));
    const error = failureOf(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain(`${first.id} is used twice`);
  });

  it('rejects ids that differ only in case, as they name the same UUID', () => {
    const first = aCustomer();
    const shouted = first.id.toUpperCase();
    const error = failureOf(fileWith(JSON.stringify([first, aCustomer({ id: shouted, email: 'someone.else@example.com' })])));
    expect(error.message).toContain(`${shouted} is used twice`);
  });

  it('rejects emails that differ only in case, naming the file', () => {
    const path = fileWith(JSON.stringify([aCustomer({ email: 'Ann@Example.com' }), aCustomer({ email: 'ann@example.COM' })]));
    const error = failureOf(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/email ann@example\.COM is used twice/);
  });

  it('allows any number of customers without an email', () => {
    const customers = [aCustomer({ email: null }), aCustomer({ email: null })];
    expect(readDataSet(fileWith(JSON.stringify(customers)), check)).toEqual(customers);
  });
});

describe('removeAbandonedTemporaryFiles', () => {
  it('removes what a killed writer left, and keeps the file of a live writer and everything else', () => {
    const path = join(folder, 'state.json');
    writeFileSync(path, 'saved');
    const gone = 2 ** 22 + 12_345; // above the largest pid_max Linux allows, so no process has it
    for (const name of [`state.json.${gone}.tmp`, `state.json.${process.pid}.tmp`, 'state.json.x.tmp', 'other.json.1.tmp']) {
      writeFileSync(join(folder, name), 'partial');
    }
    removeAbandonedTemporaryFiles(path);
    expect(readdirSync(folder).sort()).toEqual(['other.json.1.tmp', 'state.json', `state.json.${process.pid}.tmp`, 'state.json.x.tmp']);
    expect(readFileSync(path, 'utf8')).toBe('saved');
  });
});
