import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { countedTotals, CUSTOMER_TYPES, customersApi, exactCredential, STATUSES, type BackendParts, type Customer, type Totals } from './customers-api.js';

/** An independent implementation, and the documented rules it breaks (none for a correct one). */
export interface IndependentImplementation {
  readonly name: string;
  /** How its backend is built, and what that gets wrong. */
  readonly backend: string;
  /** Rule ids of the document's `x-rules`. */
  readonly breaks: readonly string[];
  readonly parts: BackendParts;
}

/** A case-insensitive partial match, as the document says: the value means itself. */
const literalNameMatch = (fullName: string, filter: string) => fullName.toLowerCase().includes(filter.toLowerCase());

export const CORRECT: IndependentImplementation = {
  name: 'correct',
  backend: 'literal case-insensitive substring search, exact credentials compared in constant time, totals counted per request',
  breaks: [],
  parts: { nameMatches: literalNameMatch, credentialMatches: exactCredential, newTotals: countedTotals },
};

/** How PostgreSQL evaluates `text ILIKE pattern`: `%` any run, `_` any one character, `\` escapes the next. */
function ilike(pattern: string, text: string): boolean {
  const source = pattern.replace(/\\(.)|([%_])|([^%_\\]+)/gs, (_all, escaped: string | undefined, wildcard: string | undefined, plain: string | undefined) =>
    escaped !== undefined ? escapeForRegExp(escaped) : wildcard === '%' ? '[\\s\\S]*' : wildcard === '_' ? '[\\s\\S]' : escapeForRegExp(plain ?? ''),
  );
  return new RegExp(`^${source}$`, 'i').test(text);
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Counts kept as writes happen, as a backend does to avoid COUNT(*) over a large table. */
function runningTotals(options: { deletesCounted: boolean }): () => Totals {
  return () => {
    const byStatus = new Map<string, number>();
    const add = (status: string, by: number) => byStatus.set(status, (byStatus.get(status) ?? 0) + by);
    return {
      created: (customer) => add(customer.status, 1),
      statusChanged: (from, to) => {
        add(from, -1);
        add(to, 1);
      },
      deleted: (customer) => {
        if (options.deletesCounted) add(customer.status, -1);
      },
      total: (status) => (status === undefined ? [...byStatus.values()].reduce((a, b) => a + b, 0) : (byStatus.get(status) ?? 0)),
    };
  };
}

/** Each breaks one documented rule the way real backends do. */
export const BROKEN: readonly IndependentImplementation[] = [
  {
    name: 'SQL LIKE name search',
    backend: "WHERE first_name || ' ' || last_name ILIKE '%' || $1 || '%', the value not escaped",
    breaks: ['list.filter.name.literal'],
    parts: { ...CORRECT.parts, nameMatches: (fullName, filter) => ilike(`%${filter}%`, fullName) },
  },
  {
    name: 'case-insensitive credentials',
    backend: 'the application is looked up by key and secret in columns with a case-insensitive collation',
    breaks: ['auth.exact-credentials'],
    parts: { ...CORRECT.parts, credentialMatches: (presented, expected) => presented.toLowerCase() === expected.toLowerCase() },
  },
  {
    name: 'running totals that deletes forget',
    backend: 'totals kept as counters moved on create and status changes; the delete handler, added later, never decrements them',
    // A total that counts deleted records is wrong in every rule that speaks of totals.
    breaks: ['write.delete.gone-from-views', 'list.total.consistent', 'list.page.size'],
    parts: { ...CORRECT.parts, newTotals: runningTotals({ deletesCounted: false }) },
  },
];

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'José', 'Zoë', 'Øyvind', 'Ünal'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra', 'Núñez', 'Weiß'];

/**
 * Its own data set, made without faker or the mock's generator: names from two short lists
 * (some beyond ASCII), creation times a few hours apart, every status and type.
 */
function customersOf(appId: string, count: number): Customer[] {
  const start = Date.now() - count * 3 * 3_600_000;
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(i * 7) % LAST_NAMES.length]!;
    const createdAt = new Date(start + i * 3 * 3_600_000).toISOString();
    const purchased = i % 3 === 0 ? null : new Date(start + i * 3 * 3_600_000 + 3_600_000).toISOString();
    return {
      id: `${(0x10000000 + i).toString(16)}-4a5b-4c6d-8e7f-${(i * 7919).toString(16).padStart(12, '0')}`,
      first_name: first,
      last_name: last,
      email: i % 5 === 4 ? null : `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${i}@example.org`,
      phone_number: `+4420${String(7946_0000 + i).padStart(8, '0')}`,
      customer_type: CUSTOMER_TYPES[i % CUSTOMER_TYPES.length]!,
      status: STATUSES[i % 3]!,
      last_spent: purchased === null ? 0 : Math.round(((i * 3719) % 100_000)) / 100,
      last_purchase_date: purchased,
      appId,
      createdAt,
      updatedAt: createdAt,
    };
  });
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The implementation on a loopback socket (port 0), with a fresh data set. */
export async function startIndependent(implementation: IndependentImplementation, credentials: { clientKey: string; clientSecret: string }): Promise<RunningServer> {
  const appId = 'independent-app';
  const handler = customersApi(implementation.parts, {
    ...credentials,
    appId,
    // High enough that a run never waits for a window, as the mock is run for the kit.
    rateLimit: 100_000,
    customers: customersOf(appId, 150),
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
