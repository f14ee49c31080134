import { Faker, base, en } from '@faker-js/faker';
import type { Customer, CustomerStatus, CustomerType } from '../domain/customer.js';
import { emailKey } from '../domain/customer.js';

/** Generated data is relative to this instant, never to the clock, so a seed means the same data everywhere. */
export const REFERENCE_DATE = Date.UTC(2026, 0, 1);
const HISTORY_MS = 3 * 365 * 24 * 3600 * 1000;

export interface SeedOptions {
  readonly seed: number;
  readonly count: number;
  readonly appId: string;
  /** Called every few thousand customers, and once at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

// Weights, not rules: typed by the document's enums, so a value added to the document must be weighted here.
const STATUS_WEIGHTS: Record<CustomerStatus, number> = { ACTIVE: 80, BLACKLISTED: 10, DEACTIVATED: 10 };
const TYPE_WEIGHTS: Record<CustomerType, number> = {
  Individual: 45,
  Startup: 12,
  'Small Business': 15,
  'Medium Business': 10,
  Enterprise: 8,
  'Non-Profit': 6,
  Government: 4,
};
/** Country calling codes and the length of their national numbers, so every number is E.164. */
const PHONE_PLANS: ReadonlyArray<{ code: string; digits: number; weight: number }> = [
  { code: '1', digits: 10, weight: 50 },
  { code: '44', digits: 10, weight: 10 },
  { code: '49', digits: 11, weight: 8 },
  { code: '33', digits: 9, weight: 7 },
  { code: '234', digits: 10, weight: 7 },
  { code: '91', digits: 10, weight: 6 },
  { code: '55', digits: 11, weight: 5 },
  { code: '61', digits: 9, weight: 4 },
  { code: '81', digits: 10, weight: 3 },
];
const NULL_EMAIL_SHARE = 0.08;
const NEVER_PURCHASED_SHARE = 0.2;

/**
 * A realistic, deterministic data set: the same seed and count give the same customers on every
 * machine and Node version, and a smaller count gives a prefix of a larger one's generation.
 */
export function generateCustomers(options: SeedOptions): Customer[] {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(options.seed);
  const firstNames = faker.definitions.person.first_name.generic ?? [];
  const lastNames = faker.definitions.person.last_name.generic ?? [];
  const domains = [
    ...faker.definitions.internet.free_email,
    ...Array.from({ length: 40 }, () => faker.internet.domainName()),
  ];
  const pickStatus = weighted(faker, STATUS_WEIGHTS);
  const pickType = weighted(faker, TYPE_WEIGHTS);
  const pickPhonePlan = weightedList(faker, PHONE_PLANS);
  const usedEmails = new Set<string>();
  const customers: Customer[] = new Array(options.count);
  const progressEvery = Math.max(1000, Math.floor(options.count / 100));

  for (let i = 0; i < options.count; i++) {
    const first = pick(faker, firstNames);
    const last = pick(faker, lastNames);
    const createdAt = REFERENCE_DATE - faker.number.int(HISTORY_MS);
    const purchased = faker.number.float() >= NEVER_PURCHASED_SHARE;
    const purchaseAt = purchased ? between(faker, createdAt, REFERENCE_DATE) : null;
    const updatedAt = between(faker, purchaseAt ?? createdAt, REFERENCE_DATE);
    const plan = pickPhonePlan();
    customers[i] = {
      id: faker.string.uuid(),
      first_name: first,
      last_name: last,
      email: faker.number.float() < NULL_EMAIL_SHARE ? null : uniqueEmail(faker, first, last, domains, usedEmails),
      phone_number: `+${plan.code}${faker.number.int({ min: 2, max: 9 })}${faker.string.numeric(plan.digits - 1)}`,
      customer_type: pickType(),
      status: pickStatus(),
      last_spent: purchased ? faker.number.int({ min: 100, max: 2_500_000 }) / 100 : 0,
      last_purchase_date: purchaseAt === null ? null : new Date(purchaseAt).toISOString(),
      appId: options.appId,
      createdAt: new Date(createdAt).toISOString(),
      updatedAt: new Date(updatedAt).toISOString(),
    };
    if ((i + 1) % progressEvery === 0) options.onProgress?.(i + 1, options.count);
  }
  options.onProgress?.(options.count, options.count);
  return customers;
}

function pick<T>(faker: Faker, items: readonly T[]): T {
  return items[faker.number.int(items.length - 1)]!;
}

/** Skewed towards recent activity, as real timestamps are: most updates happen soon after the event. */
function between(faker: Faker, from: number, to: number): number {
  if (faker.number.float() < 0.3) return from;
  return from + faker.number.int(to - from);
}

function weighted<K extends string>(faker: Faker, weights: Record<K, number>): () => K {
  const pickEntry = weightedList(
    faker,
    (Object.entries(weights) as [K, number][]).map(([value, weight]) => ({ value, weight })),
  );
  return () => pickEntry().value;
}

function weightedList<T extends { weight: number }>(faker: Faker, items: readonly T[]): () => T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  return () => {
    let roll = faker.number.int(total - 1);
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]!;
  };
}

const EMAIL_SHAPES: ReadonlyArray<(first: string, last: string) => string> = [
  (f, l) => `${f}.${l}`,
  (f, l) => `${f}${l}`,
  (f, l) => `${f[0] ?? ''}${l}`,
  (f, l) => `${f}_${l}`,
  (f, l) => `${l}.${f}`,
];

function uniqueEmail(faker: Faker, first: string, last: string, domains: readonly string[], used: Set<string>): string {
  const shape = pick(faker, EMAIL_SHAPES);
  const local = shape(asciiLocal(first), asciiLocal(last)) || 'customer';
  const domain = pick(faker, domains);
  let email = `${local}@${domain}`;
  for (let n = 2; used.has(emailKey(email)); n++) email = `${local}${n}@${domain}`;
  used.add(emailKey(email));
  // Some people write their address with capitals; lookups must not care.
  return faker.number.float() < 0.05 ? `${email[0]!.toUpperCase()}${email.slice(1)}` : email;
}

function asciiLocal(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
