import type { Clock } from '../domain/clock.js';
import type { Customer } from '../domain/customer.js';
import { CustomerStore } from '../store/customer-store.js';
import { constantTimeMatcher } from './auth.js';
import { IdempotencyStore } from './idempotency.js';
import { RateWindow } from './rate-limit.js';
import { RequestLog, type LoggedRequest } from './request-log.js';

/** What identifies an application to the API: its credential pair, and the appId of its customers. */
export interface ApplicationIdentity {
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
}

/** An application and the data set it starts from (and that a reset restores). */
export interface ApplicationDefinition extends ApplicationIdentity {
  readonly initialCustomers: () => readonly Customer[];
}

interface ApplicationSettings {
  readonly clock: Clock;
  /** Requests per minute of each application. */
  readonly rateLimit: number;
}

/**
 * One application of the mock: its own customers, rate-limit window, idempotency keys and request
 * log. Nothing one application does reaches another's.
 */
export class Application {
  readonly rateWindow: RateWindow;
  readonly idempotency: IdempotencyStore;
  readonly requestLog = new RequestLog();
  readonly secretMatches: (given: string) => boolean;

  constructor(
    readonly identity: ApplicationIdentity,
    readonly store: CustomerStore,
    private readonly initialCustomers: () => readonly Customer[],
    settings: ApplicationSettings,
    /** Logs whose requests this application's log shows beside its own. */
    private readonly alsoShows: readonly RequestLog[] = [],
  ) {
    this.rateWindow = new RateWindow(settings.rateLimit, settings.clock);
    this.idempotency = new IdempotencyStore(settings.clock);
    this.secretMatches = constantTimeMatcher(identity.clientSecret);
  }

  /** Back to the data set it started with; idempotency keys, its rate-limit count and its log forgotten. */
  reset(): void {
    this.store.replaceAll(this.initialCustomers());
    this.idempotency.clear();
    this.rateWindow.reset();
    this.clearRequests();
  }

  /** A new data set; replays of writes made on the old one would be wrong, so idempotency keys go too. */
  replaceCustomers(customers: readonly Customer[]): void {
    this.store.replaceAll(customers);
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

/**
 * Every application of one mock, found by its client key. The mock's own application (its
 * `--client-key`) also sees, in its request log, the requests that authenticate as no application.
 */
export class Applications {
  /** Requests whose credentials authenticate as no application. */
  readonly unauthenticatedLog = new RequestLog();
  readonly own: Application;
  private readonly byKey = new Map<string, Application>();
  /** Compared against when the key is unknown, so a wrong key costs the time a wrong secret does. */
  private readonly noSecretMatches: (given: string) => boolean;

  constructor(
    private readonly settings: ApplicationSettings,
    own: ApplicationIdentity & { readonly store: CustomerStore; readonly initialCustomers: () => readonly Customer[] },
    others: readonly ApplicationDefinition[],
  ) {
    this.own = new Application(own, own.store, own.initialCustomers, settings, [this.unauthenticatedLog]);
    this.add(this.own);
    for (const definition of others) this.add(this.build(definition));
    this.noSecretMatches = constantTimeMatcher(own.clientSecret);
  }

  /** The application whose credential pair this is, if any. Client keys are not secrets; secrets are compared in constant time. */
  authenticate(clientKey: string | undefined, clientSecret: string | undefined): Application | undefined {
    if (clientKey === undefined || clientSecret === undefined) return undefined;
    const application = this.byKey.get(clientKey);
    if (!application) {
      this.noSecretMatches(clientSecret);
      return undefined;
    }
    return application.secretMatches(clientSecret) ? application : undefined;
  }

  private build(definition: ApplicationDefinition): Application {
    const store = new CustomerStore({ clock: this.settings.clock, appId: definition.appId });
    store.replaceAll(definition.initialCustomers());
    return new Application(definition, store, definition.initialCustomers, this.settings);
  }

  private add(application: Application): void {
    const { clientKey } = application.identity;
    if (this.byKey.has(clientKey)) throw new Error(`Two applications have the client key "${clientKey}"`);
    this.byKey.set(clientKey, application);
  }
}
