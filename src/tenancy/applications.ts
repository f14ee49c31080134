import type { Clock } from '../domain/clock.js';
import type { Customer } from '../domain/customer.js';
import { CustomerLimitError } from '../domain/errors.js';
import { CustomerStore, type StoreOptions } from '../store/customer-store.js';
import type { ApplicationChange, ApplicationContents, SandboxIdentity } from '../store/state-records.js';
import { digestMatcher, digestOf, type SecretDigest } from '../store/secret-digest.js';
import { seedingCustomers } from '../store/seeded-customers.js';
import { runAll, runInSlices, type SlicedWork } from '../domain/slices.js';
import { constantTimeMatcher } from './constant-time.js';
import { IdempotencyStore } from './idempotency-keys.js';
import { FailedAttemptLimiter, RateWindow, type RateDecision } from './rate-windows.js';
import { RequestLog, type LoggedRequest } from './request-log.js';

/** What identifies an application to the API: its credential pair, and the appId of its customers. */
export interface ApplicationIdentity {
  readonly clientKey: string;
  /**
   * In clear for the mock's own application and the config file's, whose secrets the user chose;
   * a sandbox keeps only a digest of its generated secret, which is shown once, at its creation.
   */
  readonly clientSecret: string | SecretDigest;
  readonly appId: string;
}

/** An application and the data set it starts from (and that a reset restores). */
export interface ApplicationDefinition extends ApplicationIdentity {
  readonly initialCustomers: () => readonly Customer[];
}

/** How many sandboxes a mock holds, how big, and for how long. */
export interface SandboxLimits {
  readonly maxSandboxes: number;
  /** Customers a sandbox may hold at most. */
  readonly maxCustomers: number;
  /** A sandbox no request has used for this long is deleted. */
  readonly idleMs: number;
}

interface ApplicationSettings {
  readonly clock: Clock;
  /** Requests per minute of each application. */
  readonly rateLimit: number;
  /** What every application's store is made with, but its appId and capacity. */
  readonly storeOptions: Omit<StoreOptions, 'appId' | 'capacity'>;
}

/** A sandbox as a restart finds it in the state: its identity and its customers then. */
export type RestoredSandbox = SandboxIdentity & { readonly customers: readonly Customer[] };

/** Told of each change to the applications, with how to take it back (see `--state`). */
export type ApplicationsListener = (change: ApplicationChange, revert: () => void) => void;

/** A sandbox asked for while the mock holds as many as it may: nothing was created. */
export class SandboxLimitError extends Error {
  constructor(readonly limit: number) {
    super(`The mock holds at most ${limit} sandboxes at once`);
    this.name = 'SandboxLimitError';
  }
}

/** A sandbox's data set: generated from a seed, or given. */
export type SandboxData = { readonly seed: number; readonly count: number } | { readonly customers: readonly Customer[] };

/** A sandbox as `GET /__admin/sandboxes` lists it: never its secret. */
export interface SandboxSummary {
  readonly clientKey: string;
  readonly appId: string;
  readonly customers: number;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  readonly expiresAt: string;
}

/**
 * One application of the mock: its own customers, rate-limit window, idempotency keys and request
 * log. Nothing one application does reaches another's.
 */
export class Application {
  private readonly rateWindow: RateWindow;
  readonly idempotency: IdempotencyStore;
  readonly requestLog = new RequestLog();
  readonly secretMatches: (given: string) => boolean;
  /** When a request last authenticated as it (its creation, at first). */
  lastUsedAt: number;
  readonly createdAt: number;

  constructor(
    readonly identity: ApplicationIdentity,
    readonly store: CustomerStore,
    private readonly initialCustomers: () => readonly Customer[],
    settings: ApplicationSettings,
    /** Logs whose requests this application's log shows beside its own. */
    private readonly alsoShows: readonly RequestLog[] = [],
    /** When it was created, if not now (a sandbox a restart restored). */
    createdAt?: number,
  ) {
    this.rateWindow = new RateWindow(settings.rateLimit, settings.clock);
    this.idempotency = new IdempotencyStore(settings.clock);
    this.secretMatches = typeof identity.clientSecret === 'string' ? constantTimeMatcher(identity.clientSecret) : digestMatcher(identity.clientSecret);
    this.createdAt = createdAt ?? settings.clock.now();
    // A restart counts as a use: an idle sandbox gets its full idle time again after one.
    this.lastUsedAt = settings.clock.now();
  }

  /** Counts a request against its rate-limit window. */
  countRequest(): RateDecision {
    return this.rateWindow.hit();
  }

  /** Back to the data set it started with; idempotency keys, its rate-limit count and its log forgotten. */
  reset(): void {
    runAll(this.resetting(false));
  }

  /** `reset` in slices, so that other tenants are answered meanwhile (see `CustomerStore.replacing`). */
  resetInSlices(): Promise<void> {
    return runInSlices(this.resetting(true));
  }

  /** A new data set; replays of writes made on the old one would be wrong, so idempotency keys go too. */
  replaceCustomersInSlices(customers: readonly Customer[]): Promise<void> {
    return runInSlices(this.replacingCustomers(customers, { checked: false, sliced: true }));
  }

  private *resetting(sliced: boolean): SlicedWork<void> {
    // Checked for clashes when it was first loaded.
    yield* this.replacingCustomers(this.initialCustomers(), { checked: true, sliced });
    this.rateWindow.reset();
    this.clearRequests();
  }

  private *replacingCustomers(customers: readonly Customer[], how: { readonly checked: boolean; readonly sliced: boolean }): SlicedWork<void> {
    yield* this.store.replacing(customers, how);
    this.idempotency.clear();
  }

  requests(): readonly LoggedRequest[] {
    return this.alsoShows.length === 0 ? this.requestLog.list() : RequestLog.merged([this.requestLog, ...this.alsoShows]);
  }

  clearRequests(): void {
    this.requestLog.clear();
    for (const log of this.alsoShows) log.clear();
  }
}

/** How often, at most, a request also deletes every idle sandbox (each is refused on its own as soon as it is idle). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Every application of one mock, found by its client key: the mock's own (its `--client-key`,
 * which alone may manage sandboxes), those of the config file, and sandboxes created at run time.
 * The mock's own application also sees, in its request log, the requests that authenticate as none.
 */
export class Applications {
  /** Requests whose credentials authenticate as no application. */
  private readonly unauthenticatedLog = new RequestLog();
  /** Requests whose credentials authenticate as no application, counted under the client key they present. */
  private readonly failedAttempts: FailedAttemptLimiter;
  readonly own: Application;
  private readonly byKey = new Map<string, Application>();
  private readonly sandboxes = new Set<Application>();
  private readonly listeners = new Set<ApplicationsListener>();
  /** Stops telling the listeners of an application's customers, by client key. */
  private readonly unwatch = new Map<string, () => void>();
  /** Compared against when the key is unknown, so a wrong key costs the time a wrong secret does. */
  private readonly noSecretMatches: (given: string) => boolean;
  private nextSweepAt = 0;

  constructor(
    private readonly settings: ApplicationSettings,
    own: ApplicationIdentity & { readonly clientSecret: string; readonly store: CustomerStore; readonly initialCustomers: () => readonly Customer[] },
    others: readonly ApplicationDefinition[],
    private readonly limits: SandboxLimits,
    /** Sandboxes a restart found in the `--state` files. */
    restored: readonly RestoredSandbox[] = [],
  ) {
    this.own = new Application(own, own.store, own.initialCustomers, settings, [this.unauthenticatedLog]);
    this.add(this.own);
    for (const definition of others) this.add(this.build(definition));
    for (const { customers, createdAt, clientKey, clientSecretDigest, appId } of restored) {
      // A reset goes back to what it held when the mock started, as for the mock's own.
      const sandbox = this.build({ clientKey, clientSecret: clientSecretDigest, appId, initialCustomers: () => customers }, limits.maxCustomers, Date.parse(createdAt));
      this.add(sandbox);
      this.sandboxes.add(sandbox);
    }
    this.noSecretMatches = constantTimeMatcher(own.clientSecret);
    this.failedAttempts = new FailedAttemptLimiter(settings.rateLimit, settings.clock);
  }

  /** Tells `listener` of every change from now on: customers of any application, sandboxes created and deleted. */
  onChange(listener: ApplicationsListener): void {
    this.listeners.add(listener);
  }

  /** Every application's customers now, the mock's own first; sandboxes with their identity. */
  contents(): ApplicationContents[] {
    return [...this.byKey.values()].map((application) => ({
      clientKey: application === this.own ? undefined : application.identity.clientKey,
      sandbox: this.sandboxes.has(application) ? this.sandboxIdentity(application) : undefined,
      customers: () => application.store.customers(),
    }));
  }

  /**
   * The application whose credential pair this is, if any, marked as used now; an idle sandbox is
   * deleted instead. Client keys are not secrets; secrets are compared in constant time.
   */
  authenticate(clientKey: string | undefined, clientSecret: string | undefined): Application | undefined {
    if (clientKey === undefined || clientSecret === undefined) return undefined;
    const now = this.settings.clock.now();
    if (now >= this.nextSweepAt) this.deleteIdleSandboxes(now);
    const application = this.byKey.get(clientKey);
    if (!application) {
      this.noSecretMatches(clientSecret);
      return undefined;
    }
    if (!application.secretMatches(clientSecret)) return undefined;
    if (this.isIdle(application, now)) {
      this.remove(application);
      return undefined;
    }
    application.lastUsedAt = now;
    return application;
  }

  /**
   * Counts a request that authenticates as no application under the key it presents, apart from
   * every application's window, so a request that fails authentication never spends one.
   */
  countFailedAttempt(presentedKey: string): RateDecision {
    return this.failedAttempts.hit(presentedKey);
  }

  /** The client keys, and the secrets held in clear, of every application now: what no log or answer may show. */
  credentials(): string[] {
    return [...this.byKey.values()].flatMap(({ identity }) => (typeof identity.clientSecret === 'string' ? [identity.clientKey, identity.clientSecret] : [identity.clientKey]));
  }

  /** The log a request of this caller goes to: its own, or that of callers that authenticate as none. */
  requestLogOf(caller: Application | undefined): RequestLog {
    return caller?.requestLog ?? this.unauthenticatedLog;
  }

  /**
   * A new sandbox with fresh credentials, and its secret: the only time it is in clear (the
   * sandbox keeps its digest). Refused past a limit (SandboxLimitError, CustomerLimitError), and then nothing is created. Its
   * data set is generated and indexed in slices of a few milliseconds (100,000 customers take
   * seconds), so other tenants are answered meanwhile; the sandbox exists once it is whole.
   */
  async createSandbox(data: SandboxData): Promise<{ sandbox: Application; clientSecret: string }> {
    this.deleteIdleSandboxes(this.settings.clock.now());
    this.assertRoomForSandbox();
    const { maxCustomers } = this.limits;
    const count = 'customers' in data ? data.customers.length : data.count;
    if (count > maxCustomers) throw new CustomerLimitError(maxCustomers);
    // Web Crypto's UUIDs (122 random bits each), not node:crypto: the app also runs in browsers.
    const id = crypto.randomUUID().replaceAll('-', '');
    const appId = `app_sandbox_${id}`;
    const customers = 'customers' in data ? data.customers : await runInSlices(seedingCustomers({ seed: data.seed, count: data.count, appId }));
    const store = new CustomerStore({ ...this.settings.storeOptions, appId, capacity: maxCustomers });
    // Generated customers clash with none; given ones are checked.
    await runInSlices(store.replacing(customers, { checked: !('customers' in data), sliced: true }));
    // Other creations may have taken the last place meanwhile.
    this.assertRoomForSandbox();
    const clientSecret = crypto.randomUUID().replaceAll('-', '');
    const sandbox = new Application({ clientKey: `sandbox_${id}`, clientSecret: digestOf(clientSecret), appId }, store, () => customers, this.settings);
    this.add(sandbox);
    this.sandboxes.add(sandbox);
    this.tell({ kind: 'sandbox-created', sandbox: this.sandboxIdentity(sandbox), customers }, () => this.forget(sandbox));
    return { sandbox, clientSecret };
  }

  private assertRoomForSandbox(): void {
    const { maxSandboxes } = this.limits;
    if (this.sandboxes.size >= maxSandboxes) {
      throw new SandboxLimitError(maxSandboxes);
    }
  }

  /** Deletes the sandbox with this client key; its credentials are refused from then on. */
  deleteSandbox(clientKey: string): SandboxSummary | undefined {
    const sandbox = this.byKey.get(clientKey);
    if (!sandbox || !this.sandboxes.has(sandbox)) return undefined;
    const summary = this.summarise(sandbox);
    this.remove(sandbox);
    return summary;
  }

  /** Every application back to its initial data set, with nothing remembered (failed attempts included); no sandboxes. */
  resetAll(): void {
    for (const sandbox of this.sandboxes) this.remove(sandbox);
    for (const application of this.byKey.values()) application.reset();
    this.failedAttempts.reset();
  }

  listSandboxes(): SandboxSummary[] {
    this.deleteIdleSandboxes(this.settings.clock.now());
    return [...this.sandboxes].map((sandbox) => this.summarise(sandbox));
  }

  private sandboxIdentity(sandbox: Application): SandboxIdentity {
    const { clientKey, clientSecret, appId } = sandbox.identity;
    if (typeof clientSecret === 'string') throw new Error(`sandbox ${clientKey} holds its secret in clear`);
    return { clientKey, clientSecretDigest: clientSecret, appId, createdAt: new Date(sandbox.createdAt).toISOString() };
  }

  private summarise(sandbox: Application): SandboxSummary {
    return {
      clientKey: sandbox.identity.clientKey,
      appId: sandbox.identity.appId,
      customers: sandbox.store.size,
      createdAt: new Date(sandbox.createdAt).toISOString(),
      lastUsedAt: new Date(sandbox.lastUsedAt).toISOString(),
      expiresAt: new Date(sandbox.lastUsedAt + this.limits.idleMs).toISOString(),
    };
  }

  private isIdle(application: Application, now: number): boolean {
    return this.sandboxes.has(application) && now - application.lastUsedAt >= this.limits.idleMs;
  }

  private deleteIdleSandboxes(now: number): void {
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const sandbox of this.sandboxes) if (this.isIdle(sandbox, now)) this.remove(sandbox);
  }

  private build(definition: ApplicationDefinition, capacity?: number, createdAt?: number): Application {
    const store = new CustomerStore({ ...this.settings.storeOptions, appId: definition.appId, capacity });
    store.replaceAll(definition.initialCustomers());
    return new Application(definition, store, definition.initialCustomers, this.settings, [], createdAt);
  }

  private add(application: Application): void {
    const { clientKey } = application.identity;
    if (this.byKey.has(clientKey)) throw new Error(`Two applications have the client key "${clientKey}"`);
    this.byKey.set(clientKey, application);
    const { store } = application;
    const changed = application === this.own ? undefined : clientKey;
    this.unwatch.set(
      clientKey,
      store.onChange((change, takeBack) => this.tell({ kind: 'customers', clientKey: changed, change }, takeBack)),
    );
  }

  /** Deletes a sandbox, telling the listeners; taken back, it is there again as it was. */
  private remove(sandbox: Application): void {
    this.forget(sandbox);
    this.tell({ kind: 'sandbox-deleted', clientKey: sandbox.identity.clientKey }, () => {
      this.add(sandbox);
      this.sandboxes.add(sandbox);
    });
  }

  /** Drops a sandbox without telling anyone: a deletion, or a creation taken back. */
  private forget(sandbox: Application): void {
    const { clientKey } = sandbox.identity;
    this.byKey.delete(clientKey);
    this.sandboxes.delete(sandbox);
    // A write already under way when it was deleted changes nothing the state keeps.
    this.unwatch.get(clientKey)?.();
    this.unwatch.delete(clientKey);
  }

  private tell(change: ApplicationChange, revert: () => void): void {
    for (const listener of this.listeners) listener(change, revert);
  }
}
