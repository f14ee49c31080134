import { BroadcastChannel } from 'node:worker_threads';
import { TestRunner, type TestContext } from 'vitest';
import { createClient, TransportError, type ClientOptions, type RawRequestOptions, type RawResponse, type SentRequest } from '../client/index.js';
import type { CustomerList } from '../domain/customer.js';
import { createJudge, type Judgement, type Verdict } from '../judge/index.js';
import { getSpecModel, type SpecModel } from '../openapi/index.js';
import { ruleCatalogue, type Rule, type RuleId } from '../openapi/rules.js';
import { observe, type Finding, type Observation } from './drift.js';
import { ContractFailure, describeResponse } from './failure.js';
import { documentChoices } from './provenance.js';
import { RateLimitTracker } from './rate-limit-headers.js';
import type { ContractSettings, RunContext } from './settings.js';
import { asError } from '../caught-error.js';
import { isJsonObject } from '../json-object.js';

/** A full page is some 100 KB; a body far beyond that is a broken server, not one to buffer. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** One request and its response, with what the judge found in it. */
export interface Exchange {
  readonly operationId: string;
  readonly request: SentRequest;
  readonly response: RawResponse;
  /** Each rule the exchange was judged by, and each way it departs from one (the window rule of the rate-limit tracker included). */
  readonly judgement: Judgement;
}

export interface SendOptions extends Pick<RawRequestOptions, 'query' | 'body' | 'rawBody' | 'credentials' | 'idempotencyKey' | 'headers'> {
  /** Values of the path template's parameters, e.g. `{ id }`. */
  readonly params?: Readonly<Record<string, string>>;
}

/** How often a check named a rule, and how often the rule did not hold. */
export interface RuleTally {
  checks: number;
  failures: number;
}

/** What the checks of a test (or a file's hooks) found per rule: travels to the reporter with the result. */
export interface RuleReport {
  readonly tally: Record<string, RuleTally>;
  /** Why a rule was left unprobed, where a check said so (a read-only run, no data to probe it with). */
  readonly unreached: Record<string, string>;
}

export interface ContractKit {
  readonly settings: ContractSettings;
  /** The run's tag: every record the run creates carries it (see OwnRecords). */
  readonly runTag: string;
  /** The document's rules (its `x-rules`): what every check names. */
  readonly rules: readonly Rule[];
  /** The whole document, choices included (the strict profile's view), for checks that read it. */
  readonly document: SpecModel;
  /** Sends a request to an operation of the document; the response is judged (see `expectStatus`). */
  send(operationId: string, options?: SendOptions): Promise<Exchange>;
  /**
   * Fails `rule` unless the response has this status; then holds the response to every rule the
   * judge found it breaking (schema, headers, the page against its filter...): those fail the check
   * when it ends (see `drainDeferredFailures`), so that it still gets to its own rule. Returns the body.
   */
  expectStatus<T = unknown>(rule: RuleId, exchange: Exchange, status: number): T;
  /** A list request that must succeed (`rule` says why it is sent): its page, judged. */
  list(rule: RuleId, query?: SendOptions['query']): Promise<{ exchange: Exchange; page: CustomerList }>;
  /**
   * One check of `rule`: fails with the rule, the request, the expectation and what came back when
   * the condition is false. A choice is asserted only by the strict profile; elsewhere a departure
   * is observed for the drift report.
   */
  check(rule: RuleId, condition: boolean, expected: string, got: string, exchange?: Exchange): void;
  /** Judges what a check found at `rule` in its own words (the drift report's, at a choice). */
  atRule(rule: RuleId, finding: Finding, exchange?: Exchange): void;
  /** Whether `rule` is asserted in this run (documented, or the strict profile). */
  asserts(rule: RuleId): boolean;
  /** Skips the current check, saying why `rules` are left unprobed. */
  skip(context: TestContext, reason: string, rules: readonly RuleId[]): void;
  /** Requests put on the wire since the last call (retries included). */
  drainRequestCount(): number;
  /** Observations made at choice points since the last call. */
  drainObservations(): Observation[];
  /** What the checks found per rule since the last call. */
  drainRuleReport(): RuleReport;
  /** Rules the responses broke beside the one a check was about (see `expectStatus`), since the last call. */
  drainDeferredFailures(): ContractFailure[];
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
    stop = asError(skip);
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
  const judge = createJudge(document);
  const catalogue = ruleCatalogue(document.spec.asWritten);
  const choices = documentChoices(document.spec.raw);
  const rateLimits = new RateLimitTracker();
  let sent = 0;
  /** Every request of the run, the preflight's included: what the budget counts. */
  let sentInAll = run.requestsBefore;
  let cleaningUp = 0;
  let unansweredInARow = 0;
  let lastUnanswered = '';
  let observations: Observation[] = [];
  let report: RuleReport = { tally: {}, unreached: {} };
  let deferred: ContractFailure[] = [];
  let interruptedBy: string | undefined;
  const interrupts = interruptChannel(run.tag);
  interrupts.onmessage = (message) => {
    interruptedBy = String(isJsonObject(message) ? message.data : undefined);
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

  function tally(rule: RuleId, held: boolean): void {
    const entry = (report.tally[rule] ??= { checks: 0, failures: 0 });
    entry.checks++;
    if (!held) entry.failures++;
  }

  /**
   * One check of a rule. A documented rule that does not hold fails the check; a choice that does
   * not hold is observed for the drift report, and fails the check only in the strict profile. A
   * finding of a check at a choice point (`atRule`) is observed either way: the drift report says
   * what the deployment does there.
   */
  function judgeRule(rule: RuleId, finding: Finding, exchange: Exchange | undefined, observeAlways = false): ContractFailure | undefined {
    tally(rule, finding.asDocument);
    const { choice } = catalogue.rule(rule);
    if (finding.asDocument && !(choice && observeAlways)) return undefined;
    if (choice) {
      const entry = choices.get(choice)!;
      observations.push(observe(entry, finding));
      if (finding.asDocument || settings.profile !== 'strict') return undefined;
      return new ContractFailure(`${entry.topic}: ${entry.document} (choice ${choice}, asserted by the strict profile)`, `${finding.observed}: ${finding.detail}`, exchange?.request, rule);
    }
    return new ContractFailure(finding.expected, finding.detail, exchange?.request, rule);
  }

  /** A check of a rule that stops the check when the rule does not hold. */
  function assertRule(rule: RuleId, finding: Finding, exchange: Exchange | undefined, observeAlways = false): void {
    const failure = judgeRule(rule, finding, exchange, observeAlways);
    if (failure) throw failure;
  }

  const kit: ContractKit = {
    settings,
    runTag: run.tag,
    rules: catalogue.rules,
    document,
    async send(operationId, options = {}) {
      const operation = document.operation(operationId);
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
      const judgement = judge.judge(response.request, response);
      const window = rateLimits.follow(response, sentAtMs);
      const windowRule: RuleId = 'rate-limit.window';
      const verdicts: Verdict[] = window.problems.map((message) => ({ rule: windowRule, provenance: 'documented', side: 'response', operationId, status: response.status, message }));
      return {
        operationId,
        request: response.request,
        response,
        judgement: { ...judgement, judged: window.compared ? [...judgement.judged, windowRule] : judgement.judged, verdicts: [...judgement.verdicts, ...verdicts] },
      };
    },
    expectStatus<T>(rule: RuleId, exchange: Exchange, status: number): T {
      const { response, judgement } = exchange;
      const departures = judgement.verdicts.filter((v) => v.side === 'response');
      const described = describeResponse(response);
      const listed = departures.length > 0 ? `\n${departures.map((v) => `- ${v.rule}: ${v.message}`).join('\n')}` : '';
      assertRule(rule, { observed: `status ${response.status}`, expected: `status ${status} as the document says`, asDocument: response.status === status, detail: `${described}${listed}` }, exchange);
      for (const judged of judgement.judged) {
        const broken = departures.filter((v) => v.rule === judged);
        if (judgement.verdicts.some((v) => v.rule === judged && v.side === 'request')) continue;
        const expected = catalogue.rule(judged).text;
        // The check goes on to its own rule: a response that breaks another one fails it at its end.
        const failure = judgeRule(judged, { observed: `departs (${judged})`, expected, asDocument: broken.length === 0, detail: `${broken.map((v) => `- ${v.message}`).join('\n')}\n${described}` }, exchange);
        if (failure) deferred.push(failure);
      }
      return response.body as T;
    },
    async list(rule, query) {
      const exchange = await kit.send('listCustomers', { query });
      return { exchange, page: kit.expectStatus<CustomerList>(rule, exchange, 200) };
    },
    check(rule, condition, expected, got, exchange) {
      assertRule(rule, { observed: `departs (${rule})`, expected, asDocument: condition, detail: got }, exchange);
    },
    atRule(rule, finding, exchange) {
      assertRule(rule, finding, exchange, true);
    },
    asserts(rule) {
      return settings.profile === 'strict' || catalogue.rule(rule).provenance === 'documented';
    },
    skip(context, reason, rules) {
      for (const rule of rules) report.unreached[rule] ??= reason;
      context.skip(reason);
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
    drainDeferredFailures() {
      const drained = deferred;
      deferred = [];
      return drained;
    },
    drainRuleReport() {
      const drained = report;
      report = { tally: {}, unreached: {} };
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
