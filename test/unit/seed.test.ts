import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emailKey, type Customer } from '../../src/domain/customer.js';
import { customerCheck } from '../../src/engine.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';
import { generateCustomers, REFERENCE_DATE } from '../../src/store/seed.js';
import { seededCustomers } from '../../src/store/seeded-customers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const COUNT = 4000;
let customers: Customer[];

beforeAll(() => {
  customers = generateCustomers({ seed: 42, count: COUNT, appId: 'app_seed_test' });
});

function share(predicate: (c: Customer) => boolean): number {
  return customers.filter(predicate).length / customers.length;
}

describe('generateCustomers', () => {
  it('gives identical data for the same seed', () => {
    expect(generateCustomers({ seed: 42, count: COUNT, appId: 'app_seed_test' })).toEqual(customers);
  });

  it('gives different data for different seeds', () => {
    const other = generateCustomers({ seed: 43, count: 50, appId: 'app_seed_test' });
    const ids = new Set(customers.slice(0, 50).map((c) => c.id));
    expect(other.filter((c) => ids.has(c.id))).toEqual([]);
    expect(other.map((c) => c.email)).not.toEqual(customers.slice(0, 50).map((c) => c.email));
  });

  it('generates exactly the count asked for, with the given appId', () => {
    expect(customers).toHaveLength(COUNT);
    expect(new Set(customers.map((c) => c.appId))).toEqual(new Set(['app_seed_test']));
    expect(generateCustomers({ seed: 1, count: 0, appId: 'a' })).toEqual([]);
  });

  it("makes every customer valid against the document's Customer schema", async () => {
    const check = customerCheck(await getSpecModel());
    const problems = customers.flatMap((c, i) => check(c).map((p) => `[${i}] ${p}`));
    expect(problems).toEqual([]);
  });

  it('mixes statuses roughly 80/10/10', () => {
    expect(share((c) => c.status === 'ACTIVE')).toBeGreaterThan(0.75);
    expect(share((c) => c.status === 'ACTIVE')).toBeLessThan(0.85);
    for (const status of ['BLACKLISTED', 'DEACTIVATED'] as const) {
      expect(share((c) => c.status === status)).toBeGreaterThan(0.07);
      expect(share((c) => c.status === status)).toBeLessThan(0.13);
    }
  });

  it('uses every customer type', () => {
    expect(new Set(customers.map((c) => c.customer_type)).size).toBe(7);
  });

  it('lets some customers share a first name and some a last name', () => {
    const firsts = customers.map((c) => c.first_name);
    const lasts = customers.map((c) => c.last_name);
    expect(new Set(firsts).size).toBeLessThan(firsts.length);
    expect(new Set(lasts).size).toBeLessThan(lasts.length);
    // Shared, yet varied: a handful of names repeated everywhere would not be realistic.
    expect(new Set(firsts).size).toBeGreaterThan(100);
    expect(new Set(lasts).size).toBeGreaterThan(100);
  });

  it('leaves some emails and some last purchase dates null', () => {
    expect(share((c) => c.email === null)).toBeGreaterThan(0.01);
    expect(share((c) => c.email === null)).toBeLessThan(0.3);
    expect(share((c) => c.last_purchase_date === null)).toBeGreaterThan(0.01);
    expect(share((c) => c.last_purchase_date === null)).toBeLessThan(0.5);
  });

  it('keeps emails unique case-insensitively, and ids unique', () => {
    const emails = customers.flatMap((c) => (c.email === null ? [] : [emailKey(c.email)]));
    expect(new Set(emails).size).toBe(emails.length);
    expect(new Set(customers.map((c) => c.id)).size).toBe(COUNT);
  });

  it('keeps timestamps consistent: createdAt <= last_purchase_date <= reference date, updatedAt >= createdAt', () => {
    const broken = customers.filter((c) => {
      const created = Date.parse(c.createdAt);
      const updated = Date.parse(c.updatedAt);
      if (updated < created || updated > REFERENCE_DATE || created > REFERENCE_DATE) return true;
      if (c.last_purchase_date === null) return false;
      const purchased = Date.parse(c.last_purchase_date);
      return purchased < created || purchased > REFERENCE_DATE;
    });
    expect(broken).toEqual([]);
  });

  it('spends in whole cents, and nothing without a purchase', () => {
    expect(customers.filter((c) => Math.round(c.last_spent * 100) / 100 !== c.last_spent || c.last_spent < 0)).toEqual([]);
    expect(customers.filter((c) => c.last_purchase_date === null && c.last_spent !== 0)).toEqual([]);
    expect(share((c) => c.last_spent > 0)).toBeGreaterThan(0.5);
  });

  it('reports progress, ending at the total', () => {
    const calls: Array<[number, number]> = [];
    generateCustomers({ seed: 3, count: 2500, appId: 'a', onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([2500, 2500]);
    expect(calls.every(([done], i) => i === 0 || done >= calls[i - 1]![0])).toBe(true);
  });
});

describe("faker's words", () => {
  it('are what scripts/compile-vocabulary.mjs writes from the installed faker (vocabulary.generated.ts)', () => {
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts', 'compile-vocabulary.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('give the 500 customers of seed 42 that the whole English locale gave', () => {
    // The digest of the data set generated before the mock stopped loading the locale whole.
    const digest = createHash('sha256').update(JSON.stringify(generateCustomers({ seed: 42, count: 500, appId: 'a' }))).digest('hex');
    expect(digest.slice(0, 16)).toBe('73c7dbd810528e73');
  });
});

describe('the default data set compiled into the build', () => {
  it('is what scripts/compile-default-data-set.mjs writes from the generator (default-data-set.generated.ts)', () => {
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts', 'compile-default-data-set.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('gives exactly what the generator gives, for any count and appId, and fresh objects each time', () => {
    for (const [seed, count, appId] of [[42, 500, DEFAULT_CONFIG.appId], [42, 137, 'app_other'], [42, 0, 'a'], [42, 501, 'a'], [7, 20, 'a']] as const) {
      const progress: number[] = [];
      const served = seededCustomers({ seed, count, appId, onProgress: (done) => progress.push(done) });
      expect(served).toEqual(generateCustomers({ seed, count, appId }));
      expect(progress.at(-1)).toBe(count);
    }
    const [first] = seededCustomers({ seed: 42, count: 1, appId: 'a' });
    (first as { first_name: string }).first_name = 'Changed';
    expect(seededCustomers({ seed: 42, count: 1, appId: 'a' })[0]!.first_name).not.toBe('Changed');
  });
});
