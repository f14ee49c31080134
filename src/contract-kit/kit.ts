import { BroadcastChannel } from 'node:worker_threads';
import { TestRunner } from 'vitest';
import { createClient, TransportError, type ClientOptions, type RawRequestOptions, type RawResponse, type SentRequest } from '../client/index.js';
import type { CustomerList } from '../domain/customer.js';
import { getSpecModel, type SpecModel } from '../openapi/index.js';
import { observe, type Finding, type Observation } from './drift.js';
import { ContractFailure, describeResponse } from './failure.js';
import { specModelFor } from './profile.js';
import { readProvenance, type Provenance } from './provenance.js';
import { RateLimitTracker } from './rate-limit-headers.js';
import type { ContractSettings, RunContext } from './settings.js';

/** A full page is some 100 KB; a body far beyond that is a broken server, not one to buffer. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** One request and its response, with every way the response deviates from the document. */
export interface Exchange {
  readonly operationId: string;
  readonly request: SentRequest;
  readonly response: RawResponse;
  /** Status not documented, wrong content type, body or headers not as documented: empty when it conforms. */
  readonly deviations: readonly string[];
}

export interface SendOptions extends Pick<RawRequestOptions, 'query' | 'body' | 'rawBody' | 'credentials' | 'idempotencyKey' | 'headers'> {
  /** Values of the path template's parameters, e.g. `{ id }`. */
  readonly params?: Readonly<Record<string, string>>;
}

export interface ContractKit {
  readonly settings: ContractSettings;
  /** The run's tag: every record the run creates carries it (see OwnRecords). */
  readonly runTag: string;
  readonly provenance: Provenance;
  /** The whole document, choices included (the strict profile's view), for checks that read it. */
  readonly document: SpecModel;
  /** Sends a request to an operation of the document and judges the response against it. */
  send(operationId: string, options?: SendOptions): Promise<Exchange>;
  /** Fails unless the response has this status and conforms to the document; returns its body. */
  expectStatus<T = unknown>(exchange: Exchange, status: number): T;
  /** A list request that must succeed: its page, checked against the document. */
  list(query?: SendOptions['query']): Promise<{ exchange: Exchange; page: CustomerList }>;
  /** Fails with the request, the expectation and what came back when the condition is false. */
  check(condition: boolean, expected: string, got: string, exchange?: Exchange): asserts condition;
  /**
   * Judges what a check found about the rule at `pointer` (a node of the document as written).
   * A documented rule is asserted in every profile. A choice is observed and reported (the drift
   * report); only the strict profile also fails when the deployment departs from it.
   */
  atRule(pointer: string, finding: Finding, exchange?: Exchange): void;
  /** Whether the rule at `pointer` is asserted in this run (documented, or the strict profile). */
  asserts(pointer: string): boolean;
  /** Requests put on the wire since the last call (retries included). */
  drainRequestCount(): number;
  /** Observations made at choice points since the last call. */
  drainObservations(): Observation[];
  /** Runs `work` (cleanup of the kit's own records) even when the request budget is spent. */
  beyondBudget<T>(work: () => Promise<T>): Promise<T>;
  /** Why nothing more is sent, once Ctrl-C or SIGTERM stopped the run. */
  interruption(): string | undefined;
  /**
   * Runs a file's setup or cleanup hook. A hook the interruption stops ends quietly: its checks
   * are reported as not run, and the runner removes the run's records instead.
   */
  hook(work: () => Promise<void>): Promise<void>;
}

/**
 * How the runner (the main thread) tells the checks (in a vitest worker thread) that the run was
 * interrupted: from then on the kit sends nothing, and the runner removes the run's records.
 */
export function interruptChannel(runTag: string): BroadcastChannel {
  const channel = new BroadcastChannel(`customers-contract:${runTag}`);
  // It must never keep a thread alive.
  channel.unref();
  return channel;
}

/** Why a check stopped by Ctrl-C or SIGTERM sent nothing more; the runner's report recognises it. */
export const INTERRUPTED = 'the run was interrupted';

/** Why a check beyond `--max-requests` sent nothing; the runner's report recognises it. */
export function budgetSpent(maxRequests: number): string {
  return `the --max-requests budget of ${maxRequests} requests is spent`;
}

/**
 * Stops the current check before a request it may not send (the run was interrupted, or its budget
 * is spent): the check is reported as skipped with the reason, never failed, since the server did
 * nothing wrong. Outside a check (a file's cleanup hook) it is an error carrying the reason.
 */
function notSent(expected: string, reason: string): never {
  let stop: Error = new ContractFailure(expected, `not sent: ${reason}`);
  try {
    TestRunner.getCurrentTest()?.context?.skip(reason);
  } catch (skip) {
    // Vitest's own signal that the check is skipped: it must reach the runner as it is.
    stop = skip as Error;
  }
  unsentStops.add(stop);
  throw stop;
}

/** What `notSent` threw, so that code catching errors can tell a stopped check from a failed one. */
const unsentStops = new WeakSet<object>();

/** Whether `error` stopped a check before a request it may not send (and marked it skipped). */
export function isNotSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && unsentStops.has(error);
}

/** After this many requests in a row got no response at all, the rest fail without waiting again. */
export const UNANSWERED_LIMIT = 2;

/** How every request of a contract run is sent: the preflight's and the checks' alike. */
export function kitClientOptions(settings: ContractSettings, onAttempt: () => void): ClientOptions {
  return {
    baseUrl: settings.baseUrl,
    clientKey: settings.clientKey,
    clientSecret: settings.clientSecret,
    timeoutMs: settings.timeoutMs,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    // A rate-limit window is a minute; anything longer is the server misbehaving. Short backoff
    // and no retry of timeouts: a failing server should fail the run soon, not slowly.
    retry: { maxAttempts: 3, baseDelayMs: 100, maxRetryAfterMs: 65_000, retryTransportErrors: false },
    onAttempt,
  };
}

/**
 * The contract suite's view of a server. Requests go through the typed client's transport, so a
 * 429 is waited out as `Retry-After` asks and 5xx are retried a bounded number of times; every
 * request has a time limit, and a server that stops answering fails the checks quickly instead of
 * making each of them wait out its own timeout. Requests are paced by the rate-limit headers, so
 * the kit waits for the next window rather than running into 429s.
 */
export async function createKit(settings: ContractSettings, run: RunContext): Promise<ContractKit> {
  const document: SpecModel = await getSpecModel();
  const spec = specModelFor(settings.profile, document);
  const provenance = readProvenance(document.spec.raw);
  const rateLimits = new RateLimitTracker(document);
  let sent = 0;
  /** Every request of the run, the preflight's included: what the budget counts. */
  let sentInAll = run.requestsBefore;
  let cleaningUp = 0;
  let unansweredInARow = 0;
  let lastUnanswered = '';
  let observations: Observation[] = [];
  let interruptedBy: string | undefined;
  const interrupts = interruptChannel(run.tag);
  interrupts.onmessage = (message) => {
    interruptedBy = String((message as { data: unknown }).data);
  };
  const client = createClient(kitClientOptions(settings, () => {
    sent++;
    sentInAll++;
  }));

  /** Stops a check before it goes past `--max-requests`: it is reported as skipped, with the reason. */
  function spendBudget(): void {
    if (settings.maxRequests === undefined || cleaningUp > 0 || sentInAll < settings.maxRequests) return;
    notSent('a request within the budget', budgetSpent(settings.maxRequests));
  }

  const kit: ContractKit = {
    settings,
    runTag: run.tag,
    provenance,
    document,
    async send(operationId, options = {}) {
      const operation = spec.operation(operationId);
      const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ''));
      const method = operation.method.toUpperCase();
      if (interruptedBy !== undefined) {
        interrupts.close();
        notSent('a request', kit.interruption()!);
      }
      if (unansweredInARow >= UNANSWERED_LIMIT) {
        throw new ContractFailure('a response', `not sent: the server gave no response to the previous ${UNANSWERED_LIMIT} requests (last: ${lastUnanswered})`);
      }
      spendBudget();
      await rateLimits.waitForWindow();
      const sentAtMs = Date.now();
      let response: RawResponse;
      try {
        response = await client.request({
          method,
          path,
          query: options.query,
          body: options.body,
          rawBody: options.rawBody,
          credentials: options.credentials,
          headers: options.headers,
          idempotencyKey: options.idempotencyKey,
        });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        unansweredInARow++;
        lastUnanswered = error.message;
        throw new ContractFailure(`a complete response within ${settings.timeoutMs} ms`, error.message);
      }
      unansweredInARow = 0;
      const deviations = spec.responseValidator(operationId)({
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: response.body,
        bodyIsJson: response.bodyIsJson,
      });
      return { operationId, request: response.request, response, deviations: [...deviations, ...rateLimits.judge(operationId, response, sentAtMs)] };
    },
    expectStatus<T>(exchange: Exchange, status: number): T {
      const { response, deviations } = exchange;
      const described = describeResponse(response);
      if (response.status !== status) {
        const detail = deviations.length > 0 ? `\n${deviations.map((d) => `- ${d}`).join('\n')}` : '';
        throw new ContractFailure(`status ${status} as the document says`, `${described}${detail}`, exchange.request);
      }
      const problems = [...deviations, ...statusCodeMismatch(response)];
      if (problems.length > 0) {
        throw new ContractFailure(
          `a ${status} response that matches the document`,
          `${problems.map((d) => `- ${d}`).join('\n')}\n${described}`,
          exchange.request,
        );
      }
      return response.body as T;
    },
    async list(query) {
      const exchange = await kit.send('listCustomers', { query });
      return { exchange, page: kit.expectStatus<CustomerList>(exchange, 200) };
    },
    check(condition, expected, got, exchange) {
      if (!condition) throw new ContractFailure(expected, got, exchange?.request);
    },
    atRule(pointer, finding, exchange) {
      const choice = provenance.choiceAt(pointer);
      if (!choice) return kit.check(finding.asDocument, finding.expected, `${finding.observed}: ${finding.detail}`, exchange);
      observations.push(observe(choice, finding));
      if (settings.profile === 'strict') {
        kit.check(finding.asDocument, `${choice.topic}: ${choice.document} (choice ${choice.id}, asserted by the strict profile)`, `${finding.observed}: ${finding.detail}`, exchange);
      }
    },
    asserts(pointer) {
      return settings.profile === 'strict' || provenance.choiceAt(pointer) === undefined;
    },
    drainRequestCount() {
      const count = sent;
      sent = 0;
      return count;
    },
    drainObservations() {
      const drained = observations;
      observations = [];
      return drained;
    },
    async beyondBudget(work) {
      cleaningUp++;
      try {
        return await work();
      } finally {
        cleaningUp--;
      }
    },
    interruption() {
      return interruptedBy === undefined ? undefined : `${INTERRUPTED} (${interruptedBy})`;
    },
    async hook(work) {
      try {
        await work();
      } catch (error) {
        if (!(isNotSent(error) && interruptedBy !== undefined)) throw error;
      }
    },
  };
  return kit;
}

/** The error body's `statusCode` must be the response's status; the schema alone cannot say so. */
function statusCodeMismatch(response: RawResponse): string[] {
  const statusCode = (response.body as { statusCode?: unknown } | null)?.statusCode;
  if (response.status < 400 || !response.bodyIsJson || statusCode === undefined || statusCode === response.status) return [];
  return [`response body statusCode is ${JSON.stringify(statusCode)}, but the status is ${response.status}`];
}
