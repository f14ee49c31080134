import type { Faker } from '@faker-js/faker';
import { faker as baseFaker } from '@faker-js/faker/locale/base';
import type { Customer, CustomerStatus, CustomerType } from '../domain/customer.js';
import { emailKey } from '../domain/customer.js';
import { ITEMS_PER_YIELD, runAll, type SlicedWork } from '../domain/slices.js';
import { vocabulary } from './vocabulary.generated.js';

// faker with the English words the data set draws on (vocabulary.generated.ts) over its base
// locale: loading the English locale whole was a large share of a cold start, and its main entry
// loads every locale. That entry is also the only one exporting the Faker class, so the class is
// taken from the base locale's instance.
const FakerClass = baseFaker.constructor as typeof Faker;
const faker = new FakerClass({ locale: [vocabulary, baseFaker.rawDefinitions] });

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
// No generated customer is DELETED: only a client's write sets that status.
const STATUS_WEIGHTS: Record<CustomerStatus, number> = { ACTIVE: 80, BLACKLISTED: 10, DEACTIVATED: 10, DELETED: 0 };
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
 *
 * Faker supplies the vocabularies (names, email domains) once; a small seeded generator combines
 * them per customer. Calling faker per field costs microseconds a field, which at a million
 * customers is most of a start-up; combining vocabularies costs well under a microsecond.
 * Every string is built by `join`, which makes one flat string: a `+` chain would leave a tree of
 * string pieces per field, several times the memory a million customers can afford.
 */
export function generateCustomers(options: SeedOptions): Customer[] {
  return runAll(generatingCustomers(options));
}

/** `generateCustomers` as work in slices (see domain/slices.ts): a sandbox's data set is made beside other tenants' requests. */
export function* generatingCustomers(options: SeedOptions): SlicedWork<Customer[]> {
  const { firstNames, lastNames, domains } = vocabularies(options.seed);
  const random = seededRandom(options.seed);
  const pickStatus = weighted(random, STATUS_WEIGHTS);
  const pickType = weighted(random, TYPE_WEIGHTS);
  const pickPhonePlan = weightedList(random, PHONE_PLANS);
  const iso = isoFormatter();
  const usedEmails = new Set<string>();
  const customers = new Array<Customer>(options.count);
  const progressEvery = Math.max(1000, Math.floor(options.count / 100));

  for (let i = 0; i < options.count; i++) {
    const first = pick(random, firstNames);
    const last = pick(random, lastNames);
    const createdAt = REFERENCE_DATE - random.int(HISTORY_MS);
    const purchased = random.float() >= NEVER_PURCHASED_SHARE;
    const purchaseAt = purchased ? between(random, createdAt, REFERENCE_DATE) : null;
    const updatedAt = between(random, purchaseAt ?? createdAt, REFERENCE_DATE);
    const plan = pickPhonePlan();
    customers[i] = {
      id: uuid(random),
      first_name: first,
      last_name: last,
      email: random.float() < NULL_EMAIL_SHARE ? null : uniqueEmail(random, first, last, domains, usedEmails),
      phone_number: phoneNumber(random, plan),
      customer_type: pickType(),
      status: pickStatus(),
      last_spent: purchased ? (100 + random.int(2_500_000 - 100)) / 100 : 0,
      last_purchase_date: purchaseAt === null ? null : iso(purchaseAt),
      appId: options.appId,
      createdAt: iso(createdAt),
      updatedAt: iso(updatedAt),
    };
    if ((i + 1) % progressEvery === 0) options.onProgress?.(i + 1, options.count);
    if ((i + 1) % ITEMS_PER_YIELD === 0) yield;
  }
  options.onProgress?.(options.count, options.count);
  return customers;
}

/** Faker's names, and email domains drawn with the seed: what names and emails are made of. */
interface Vocabularies {
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  readonly domains: readonly string[];
}

function vocabularies(seed: number): Vocabularies {
  faker.seed(seed);
  return {
    firstNames: faker.definitions.person.first_name.generic ?? [],
    lastNames: faker.definitions.person.last_name.generic ?? [],
    domains: [...faker.definitions.internet.free_email, ...Array.from({ length: 40 }, () => faker.internet.domainName())],
  };
}

function phoneNumber(random: Random, plan: { code: string; digits: number }): string {
  return ['+', plan.code, 2 + random.int(7), digits(random, plan.digits - 1)].join('');
}

/** The personal fields of a customer: what anonymisation replaces. */
export interface Identity {
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string | null;
  readonly phone_number: string;
}

/** Values an identity maker never hands out: the originals it replaces. */
export interface ReservedValues {
  readonly emails: Iterable<string>;
  readonly phoneNumbers: Iterable<string>;
}

/**
 * Makes identities the way the data set's customers get theirs (the same vocabularies, email
 * shapes and phone plans), each drawn from its key alone: the same key gets the same identity
 * whatever else was made before, except that an email already taken gets a number, as in a
 * generated data set, so emails stay unique among everything one maker made. No email or phone
 * number made is one of `reserved`, and no name is the one it replaces (`unlike`): such a draw is
 * drawn again. A null email stays null.
 */
export function identityMaker(reserved: ReservedValues, seed = 0): (key: string, unlike: Identity) => Identity {
  const { firstNames, lastNames, domains } = vocabularies(seed);
  const usedEmails = new Set([...reserved.emails].map(emailKey));
  const reservedPhones = new Set(reserved.phoneNumbers);
  return (key, unlike) => {
    const random = seededRandom((hash32(key) ^ seed) >>> 0);
    const pickPhonePlan = weightedList(random, PHONE_PLANS);
    const first = drawUntil(() => pick(random, firstNames), (name) => name !== unlike.first_name);
    const last = drawUntil(() => pick(random, lastNames), (name) => name !== unlike.last_name);
    return {
      first_name: first,
      last_name: last,
      email: unlike.email === null ? null : uniqueEmail(random, first, last, domains, usedEmails),
      phone_number: drawUntil(() => phoneNumber(random, pickPhonePlan()), (phone) => phone !== unlike.phone_number && !reservedPhones.has(phone)),
    };
  };
}

function drawUntil<T>(draw: () => T, acceptable: (value: T) => boolean): T {
  let value = draw();
  while (!acceptable(value)) value = draw();
  return value;
}

/** FNV-1a: a 32-bit seed from a key, the same on every platform. */
function hash32(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

interface Random {
  /** Uniform in [0, 1), with 53 random bits. */
  float(): number;
  /** Uniform integer in [0, max]. */
  int(max: number): number;
  /** 32 random bits. */
  uint32(): number;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator), seeded through splitmix32: integer
 * arithmetic only, so every platform draws the same sequence from the same seed.
 */
function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const uint32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) uint32();
  const float = () => (uint32() * 2 ** 21 + (uint32() >>> 11)) / 2 ** 53;
  return { uint32, float, int: (max) => Math.floor(float() * (max + 1)) };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A random (version 4, RFC 4122 variant) UUID. */
function uuid(random: Random): string {
  const a = random.uint32();
  const b = random.uint32();
  const c = random.uint32();
  const d = random.uint32();
  return [
    HEX[a >>> 24], HEX[(a >>> 16) & 0xff], HEX[(a >>> 8) & 0xff], HEX[a & 0xff], '-',
    HEX[b >>> 24], HEX[(b >>> 16) & 0xff], '-', HEX[((b >>> 8) & 0x0f) | 0x40], HEX[b & 0xff], '-',
    HEX[((c >>> 24) & 0x3f) | 0x80], HEX[(c >>> 16) & 0xff], '-', HEX[(c >>> 8) & 0xff], HEX[c & 0xff],
    HEX[d >>> 24], HEX[(d >>> 16) & 0xff], HEX[(d >>> 8) & 0xff], HEX[d & 0xff],
  ].join('');
}

const DAY_MS = 24 * 3600 * 1000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * `new Date(ms).toISOString()`, for the history's instants. The calendar part comes from
 * `toISOString` once per day (a thousand days, not millions of calls); the time of day is arithmetic.
 */
function isoFormatter(): (ms: number) => string {
  const days = new Map<number, string>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let date = days.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 11);
      days.set(day, date);
    }
    const inDay = ms - day * DAY_MS;
    const seconds = Math.floor(inDay / 1000);
    return [
      date, TWO_DIGITS[Math.floor(seconds / 3600)], ':', TWO_DIGITS[Math.floor(seconds / 60) % 60], ':',
      TWO_DIGITS[seconds % 60], '.', THREE_DIGITS[inDay % 1000], 'Z',
    ].join('');
  };
}

function digits(random: Random, count: number): string {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = random.int(9);
  return out.join('');
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length - 1)]!;
}

/** Skewed towards recent activity, as real timestamps are: most updates happen soon after the event. */
function between(random: Random, from: number, to: number): number {
  if (random.float() < 0.3) return from;
  return from + random.int(to - from);
}

function weighted<K extends string>(random: Random, weights: Record<K, number>): () => K {
  const pickEntry = weightedList(
    random,
    (Object.entries(weights) as [K, number][]).map(([value, weight]) => ({ value, weight })),
  );
  return () => pickEntry().value;
}

function weightedList<T extends { weight: number }>(random: Random, items: readonly T[]): () => T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  return () => {
    let roll = random.int(total - 1);
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]!;
  };
}

const EMAIL_SHAPES: ReadonlyArray<(first: string, last: string) => string[]> = [
  (f, l) => [f, '.', l],
  (f, l) => [f, l],
  (f, l) => [f[0] ?? '', l],
  (f, l) => [f, '_', l],
  (f, l) => [l, '.', f],
];

function uniqueEmail(random: Random, first: string, last: string, domains: readonly string[], used: Set<string>): string {
  const local = pick(random, EMAIL_SHAPES)(asciiLocal(first), asciiLocal(last)).join('') || 'customer';
  const domain = pick(random, domains);
  let email = [local, '@', domain].join('');
  for (let n = 2; used.has(emailKey(email)); n++) email = [local, n, '@', domain].join('');
  used.add(emailKey(email));
  // Some people write their address with capitals; lookups must not care.
  return random.float() < 0.05 ? [email[0]!.toUpperCase(), email.slice(1)].join('') : email;
}

const asciiCache = new Map<string, string>();

/** A name as an email local part; names come from a vocabulary, so each is worked out once. */
function asciiLocal(name: string): string {
  let local = asciiCache.get(name);
  if (local === undefined) {
    local = name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase();
    asciiCache.set(name, local);
  }
  return local;
}
