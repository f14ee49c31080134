import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';

// A server of the Customers API written from openapi/customers.yaml alone, apart from this
// project: it imports nothing from src/ and shares none of its code (store, filters, validation,
// idempotency, rate limit). The contract kit is run against it to show that the kit judges any
// implementation, not only the one it was written beside. Its backend parts (the name filter, the
// credential comparison, the totals) are swapped for the ways real backends get them wrong.

export const STATUSES = ['ACTIVE', 'BLACKLISTED', 'DEACTIVATED', 'DELETED'] as const;
export const CUSTOMER_TYPES = ['Individual', 'Startup', 'Small Business', 'Medium Business', 'Enterprise', 'Non-Profit', 'Government'] as const;
type Status = (typeof STATUSES)[number];

export interface Customer {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone_number: string;
  customer_type: string;
  status: Status;
  last_spent: number;
  last_purchase_date: string | null;
  appId: string;
  createdAt: string;
  updatedAt: string;
}

/** The parts of a backend that real ones implement in different ways (and some of them wrongly). */
export interface BackendParts {
  /** Does a customer whose "first last" is `fullName` match the `name` filter `filter`? */
  readonly nameMatches: (fullName: string, filter: string) => boolean;
  /** Is the presented credential the application's? */
  readonly credentialMatches: (presented: string, expected: string) => boolean;
  /** The totals of lists filtered by status alone, or not at all. */
  readonly newTotals: () => Totals;
}

/** Counts the unfiltered and per-status totals; told about every write. */
export interface Totals {
  created(customer: Customer): void;
  statusChanged(from: Status, to: Status): void;
  deleted(customer: Customer): void;
  /** The total of a list filtered by `status` (or unfiltered), given the matches counted now. */
  total(status: Status | undefined, counted: number): number;
}

export interface ApiOptions {
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
  /** Requests per minute per application. */
  readonly rateLimit: number;
  readonly customers: readonly Customer[];
}

const PATH_LIST = '/api/v0/customers';
const PATH_ONE = /^\/api\/v0\/customers\/([^/]+)$/;
const UUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|[fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12})$/;
const PHONE = /^[+]?[1-9]\d{1,14}$/;
/** JSON Schema's `format: email`, as the common validators (ajv-formats) read it. */
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 429: 'Too Many Requests' };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | string[],
  ) {
    super(Array.isArray(detail) ? detail.join('; ') : detail);
  }
}

function errorResponse(error: ApiError): Response {
  return Response.json({ statusCode: error.status, message: error.detail, error: REASONS[error.status] ?? 'Error' }, { status: error.status });
}

/** Length in characters (code points), as JSON Schema counts `maxLength`. */
const lengthOf = (text: string) => [...text].length;

/** Whole numbers, also written as integral decimals (`5.0`, as float-typed SDKs send them). */
function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value)) throw new ApiError(400, [`${name} must be an integer number`]);
  if (value < min) throw new ApiError(400, [`${name} must not be less than ${min}`]);
  if (value > max) throw new ApiError(400, [`${name} must not be greater than ${max}`]);
  return value;
}

type FieldRule = (value: unknown) => string | undefined;
const text =
  (min: number, max: number): FieldRule =>
  (value) =>
    typeof value !== 'string' ? 'must be a string' : lengthOf(value) < min ? `must be longer than or equal to ${min} characters` : lengthOf(value) > max ? `must be shorter than or equal to ${max} characters` : undefined;
const oneOf =
  (values: readonly string[]): FieldRule =>
  (value) =>
    typeof value === 'string' && values.includes(value) ? undefined : `must be one of the following values: ${values.join(', ')}`;
const FIELDS: Record<string, FieldRule> = {
  first_name: text(1, 100),
  last_name: text(1, 100),
  phone_number: (value) => (typeof value === 'string' && PHONE.test(value) ? undefined : 'must be a valid phone number'),
  email: (value) => text(0, 255)(value) ?? (EMAIL.test(value as string) ? undefined : 'must be an email'),
  customer_type: oneOf(CUSTOMER_TYPES),
  status: oneOf(STATUSES),
};
const UPDATE_FIELDS: Record<string, FieldRule> = { ...FIELDS, reason: text(0, 500) };

function validBody(raw: string, rules: Record<string, FieldRule>, required: readonly string[]): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ApiError(400, ['the body must be JSON']);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, ['the body must be a JSON object']);
  const record = body as Record<string, unknown>;
  const problems = [
    ...Object.keys(record).filter((k) => !(k in rules)).map((k) => `property ${k} should not exist`),
    ...required.filter((k) => !(k in record)).map((k) => `${k} is required`),
    ...Object.entries(record).flatMap(([k, v]) => {
      const problem = k in rules ? rules[k]!(v) : undefined;
      return problem ? [`${k} ${problem}`] : [];
    }),
  ];
  if (problems.length > 0) throw new ApiError(400, problems);
  return record;
}

/** A fixed one-minute window per client key. */
class RateLimiter {
  private readonly windows = new Map<string, { resetAt: number; used: number }>();
  constructor(private readonly limit: number) {}

  take(key: string): { headers: Record<string, string>; exceeded: boolean } {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { resetAt: (Math.floor(now / 60_000) + 1) * 60_000, used: 0 };
      this.windows.set(key, window);
    }
    window.used++;
    const exceeded = window.used > this.limit;
    const headers = {
      'X-RateLimit-Limit': String(this.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.limit - window.used)),
      'X-RateLimit-Reset': String(Math.floor(window.resetAt / 1000)),
    };
    return { headers: exceeded ? { ...headers, 'Retry-After': String(Math.ceil((window.resetAt - now) / 1000)) } : headers, exceeded };
  }
}

interface Kept {
  readonly fingerprint: string;
  response?: { status: number; body: string };
}

/** The request handler of one server: `fetch`, as a web server adapter calls it. */
export function customersApi(parts: BackendParts, options: ApiOptions): (request: Request) => Promise<Response> {
  const byId = new Map<string, Customer>(options.customers.map((c) => [c.id.toLowerCase(), { ...c }]));
  const totals = parts.newTotals();
  for (const customer of byId.values()) totals.created(customer);
  const limiter = new RateLimiter(options.rateLimit);
  const refusedLimiter = new RateLimiter(options.rateLimit);
  const keys = new Map<string, Kept>();
  let lastStamp = 0;

  /** Now, and never the same instant twice: an update always moves `updatedAt` forward. */
  const stamp = () => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  };
  const newestFirst = (a: Customer, b: Customer) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? 1 : -1);
  const emailOwner = (email: string) => [...byId.values()].find((c) => c.email !== null && c.email.toLowerCase() === email.toLowerCase());
  const find = (id: string) => {
    if (!UUID.test(id)) throw new ApiError(400, ['id must be a UUID']);
    const customer = byId.get(id.toLowerCase());
    if (!customer) throw new ApiError(404, 'Customer not found');
    return customer;
  };

  function list(url: URL): Response {
    const params = url.searchParams;
    const repeated = [...new Set(params.keys())].filter((k) => params.getAll(k).length > 1);
    if (repeated.length > 0) throw new ApiError(400, repeated.map((k) => `${k} must be given once`));
    const one = (name: string) => params.get(name) ?? undefined;
    const skip = wholeNumber('skip', one('skip'), 0, 0, Number.MAX_SAFE_INTEGER);
    const take = wholeNumber('take', one('take'), 10, 1, 100);
    const status = one('status');
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw new ApiError(400, [`status must be one of the following values: ${STATUSES.join(', ')}`]);
    const name = one('name') || undefined;
    const email = one('email') || undefined;
    if (name !== undefined && lengthOf(name) > 100) throw new ApiError(400, ['name must be shorter than or equal to 100 characters']);
    if (email !== undefined && lengthOf(email) > 255) throw new ApiError(400, ['email must be shorter than or equal to 255 characters']);
    const matching = [...byId.values()]
      .filter((c) => status === undefined || c.status === status)
      .filter((c) => name === undefined || parts.nameMatches(`${c.first_name} ${c.last_name}`, name))
      .filter((c) => email === undefined || (c.email !== null && c.email.toLowerCase() === email.toLowerCase()))
      .sort(newestFirst);
    const total = name === undefined && email === undefined ? totals.total(status as Status | undefined, matching.length) : matching.length;
    const data = matching.slice(skip, skip + take);
    return Response.json({ data, total, skip, take: data.length });
  }

  function create(raw: string): Response {
    const body = validBody(raw, FIELDS, ['first_name', 'last_name', 'phone_number']);
    if (typeof body.email === 'string' && emailOwner(body.email)) throw new ApiError(409, 'Customer with the same email already exists');
    const now = stamp();
    const customer: Customer = {
      id: randomUUID(),
      first_name: body.first_name as string,
      last_name: body.last_name as string,
      email: (body.email as string | undefined) ?? null,
      phone_number: body.phone_number as string,
      customer_type: (body.customer_type as string | undefined) ?? 'Individual',
      status: (body.status as Status | undefined) ?? 'ACTIVE',
      last_spent: 0,
      last_purchase_date: null,
      appId: options.appId,
      createdAt: now,
      updatedAt: now,
    };
    byId.set(customer.id, customer);
    totals.created(customer);
    return Response.json(customer, { status: 201 });
  }

  function update(id: string, raw: string): Response {
    if (!UUID.test(id)) throw new ApiError(400, ['id must be a UUID']);
    const body = validBody(raw, UPDATE_FIELDS, []);
    const customer = find(id);
    if (Object.keys(body).length === 0) throw new ApiError(400, ['the body must change at least one field']);
    if ('reason' in body && !('status' in body)) throw new ApiError(400, ['status is required when reason is given']);
    if (typeof body.email === 'string') {
      const owner = emailOwner(body.email);
      if (owner && owner.id !== customer.id) throw new ApiError(409, 'Customer with the same email already exists');
    }
    const { reason: _notStored, ...fields } = body;
    const before = customer.status;
    Object.assign(customer, fields, { updatedAt: stamp() });
    if (customer.status !== before) totals.statusChanged(before, customer.status);
    return Response.json(customer);
  }

  function remove(id: string): Response {
    const customer = find(id);
    byId.delete(customer.id.toLowerCase());
    totals.deleted(customer);
    return Response.json({ success: true, message: 'Customer successfully deleted', deletedAt: new Date().toISOString(), customerId: customer.id });
  }

  /** The operation a request names, run; an idempotency key replays or refuses as the document says. */
  async function operate(request: Request, url: URL): Promise<Response> {
    const match = PATH_ONE.exec(url.pathname);
    const raw = request.method === 'POST' || request.method === 'PATCH' ? await request.text() : '';
    const run = (): Response => {
      if (url.pathname === PATH_LIST && request.method === 'GET') return list(url);
      if (url.pathname === PATH_LIST && request.method === 'POST') return create(raw);
      const id = decodeURIComponent(match![1]!);
      if (request.method === 'GET') return fetchOne(id);
      if (request.method === 'PATCH') return update(id, raw);
      return remove(id);
    };
    const key = request.headers.get('idempotency-key');
    if (key === null || request.method === 'GET') return run();
    if (key.length === 0 || key.length > 255) throw new ApiError(400, ['idempotency-key must be 1 to 255 characters']);
    const fingerprint = createHash('sha256').update(`${request.method} ${url.pathname} ${raw}`).digest('hex');
    const kept = keys.get(key);
    if (kept) {
      if (kept.fingerprint !== fingerprint) throw new ApiError(409, 'Conflict: Idempotency key already used with different request data');
      if (!kept.response) throw new ApiError(409, 'Conflict: A request with this idempotency key is still being processed');
      return new Response(kept.response.body, { status: kept.response.status, headers: { 'content-type': 'application/json', 'Idempotent-Replayed': 'true' } });
    }
    const record: Kept = { fingerprint };
    keys.set(key, record);
    let response: Response;
    try {
      response = run();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 400) {
        keys.delete(key);
        throw error;
      }
      response = errorResponse(error);
    }
    record.response = { status: response.status, body: await response.clone().text() };
    return response;
  }

  function fetchOne(id: string): Response {
    return Response.json(find(id));
  }

  const credentialsOf = (request: Request) => ({ key: request.headers.get('x-client-key'), secret: request.headers.get('x-client-secret') });

  return async (request) => {
    const url = new URL(request.url);
    // A trailing slash names the same route (the document's trailing-slash choice).
    if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.slice(0, -1);
    const known = url.pathname === PATH_LIST ? ['GET', 'POST'] : PATH_ONE.test(url.pathname) ? ['GET', 'PATCH', 'DELETE'] : [];
    if (!known.includes(request.method)) return errorResponse(new ApiError(404, `Cannot ${request.method} ${url.pathname}`));
    const { key, secret } = credentialsOf(request);
    const authenticated = key !== null && secret !== null && parts.credentialMatches(key, options.clientKey) && parts.credentialMatches(secret, options.clientSecret);
    // Refused requests are counted apart, per presented key: they never spend the application's limit.
    const window = authenticated ? limiter.take(options.clientKey) : refusedLimiter.take(key ?? '');
    const withWindow = (response: Response) => {
      for (const [name, value] of Object.entries(window.headers)) response.headers.set(name, value);
      return response;
    };
    if (!authenticated) return withWindow(errorResponse(new ApiError(401, 'Invalid API credentials')));
    if (window.exceeded) return withWindow(Response.json({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: Number(window.headers['Retry-After']) }, { status: 429 }));
    try {
      return withWindow(await operate(request, url));
    } catch (error) {
      if (error instanceof ApiError) return withWindow(errorResponse(error));
      throw error;
    }
  };
}

/** Compared in constant time, over digests so that lengths do not leak either. */
export function exactCredential(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Totals counted from the matches of each request: always what the data holds. */
export function countedTotals(): Totals {
  return { created() {}, statusChanged() {}, deleted() {}, total: (_status, counted) => counted };
}
