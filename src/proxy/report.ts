import { distinctObservations, driftReport, type Observation } from '../contract-kit/drift.js';
import type { RuleCoverage } from '../contract-kit/coverage.js';
import type { RunSummary } from '../contract-kit/reporter.js';
import type { Rule, Verdict } from '../judge/index.js';

/** One rule broken on one side, with the first time it was seen and in how many exchanges. */
export interface ViolationEntry {
  readonly rule: string;
  readonly provenance: Verdict['provenance'];
  readonly side: Verdict['side'];
  /** Where it was first seen: the operation, the response's status and what was wrong. */
  readonly operation: string;
  readonly status: number;
  readonly message: string;
  count: number;
}

/** Requests the upstream gave no usable answer to, by the status the proxy answered instead. */
export interface UpstreamFailureEntry {
  readonly status: 502 | 504;
  readonly message: string;
  count: number;
}

export interface ReportJson {
  readonly requests: number;
  readonly violations: readonly ViolationEntry[];
  readonly upstreamFailures: readonly UpstreamFailureEntry[];
  /** What the upstream does at the choice points it departed from (the kit's drift observations). */
  readonly drift: readonly Observation[];
}

/**
 * What the proxy saw: every request counted, verdicts grouped by rule and side, upstream failures
 * grouped by status, and how often each rule could be judged. It is what `GET /__proxy/report`,
 * `--report`, `--junit` (through the kit's writer) and `--drift` write, and what decides the exit status.
 */
export class TrafficReport {
  private requests = 0;
  private readonly violations = new Map<string, ViolationEntry>();
  private readonly failures = new Map<string, UpstreamFailureEntry>();
  private observations: Observation[] = [];
  /** How many exchanges could show each rule broken, whether or not they did. */
  private readonly judged = new Map<string, number>();

  /** `rules`: every rule of the document, for the JUnit's cases. */
  constructor(private readonly rules: readonly Pick<Rule, 'id' | 'provenance' | 'choice'>[]) {}

  countRequest(): void {
    this.requests++;
  }

  /**
   * Counts an exchange: the rules it could show (`judged`), the verdicts under their rules, and
   * what it showed at choice points.
   */
  add(judged: readonly string[], verdicts: readonly Verdict[], observations: readonly Observation[] = []): void {
    for (const rule of new Set(judged)) this.judged.set(rule, (this.judged.get(rule) ?? 0) + 1);
    // An exchange counts once per rule, however many of its fields broke it.
    const counted = new Set<string>();
    for (const verdict of verdicts) {
      const key = `${verdict.side}\u0000${verdict.rule}`;
      if (counted.has(key)) continue;
      counted.add(key);
      const entry = this.violations.get(key);
      if (entry) entry.count++;
      else {
        const { rule, provenance, side, operationId: operation, status, message } = verdict;
        this.violations.set(key, { rule, provenance, side, operation, status, message, count: 1 });
      }
    }
    if (observations.length > 0) this.observations = distinctObservations([...this.observations, ...observations]);
  }

  addUpstreamFailure(status: 502 | 504, message: string): void {
    const key = `${status} ${message}`;
    const entry = this.failures.get(key);
    if (entry) entry.count++;
    else this.failures.set(key, { status, message, count: 1 });
  }

  /** Whether any response broke a documented rule: the proxy then exits 1. */
  responsesBrokeDocumentedRule(): boolean {
    return [...this.violations.values()].some(isServerViolation);
  }

  toJSON(): ReportJson {
    return {
      requests: this.requests,
      violations: [...this.violations.values()].map((entry) => ({ ...entry })),
      upstreamFailures: [...this.failures.values()].map((entry) => ({ ...entry })),
      drift: [...this.observations],
    };
  }

  /** The kit's drift report, which `customers-mock --compat FILE` loads. */
  drift(upstream: string): ReturnType<typeof driftReport> {
    return driftReport('documented', upstream, this.observations);
  }

  /**
   * Every rule of the document, with what the traffic showed of it, as the kit counts coverage: a
   * rule a response broke is `failed` (a choice's departure too: the JUnit shows it without failing,
   * as the kit's documented profile does); one the traffic could show and never saw broken is
   * `passed`; one no exchange could show is `not-exercised`, never passed. A rule only the client
   * broke was exercised, and the upstream did nothing wrong by it.
   */
  coverage(): RuleCoverage[] {
    const entries = [...this.violations.values()];
    return this.rules.map((rule) => {
      const seen = entries.filter((entry) => entry.rule === rule.id);
      // A departure the drift names (snake_case timestamps, seen by the judge as an unclosed schema) departs from its choice's rules too.
      const departed = this.observations.filter((observation) => observation.choice === rule.choice);
      const checks = (this.judged.get(rule.id) ?? 0) + seen.reduce((sum, entry) => sum + entry.count, 0) + departed.length;
      const status = seen.some((entry) => entry.side === 'response') || departed.length > 0 ? 'failed' : checks > 0 ? 'passed' : 'not-exercised';
      const reason = status === 'not-exercised' ? 'no exchange of this traffic could show it' : undefined;
      return { id: rule.id, provenance: rule.provenance, choice: rule.choice, status, checks, reason };
    });
  }

  /** The report as the kit's run summary, for its JUnit writer (one case per rule). */
  asRunSummary(): RunSummary {
    const coverage = this.coverage();
    const ruleFailures = new Map<string, string[]>();
    for (const entry of this.violations.values()) {
      const whose = entry.side === 'request' ? 'the client' : 'the upstream';
      const line = `${whose} broke it in ${entry.count} exchange${entry.count === 1 ? '' : 's'}, first in ${entry.operation} answered ${entry.status}: ${entry.message}`;
      ruleFailures.set(entry.rule, [...(ruleFailures.get(entry.rule) ?? []), line]);
    }
    for (const rule of this.rules) {
      for (const observation of this.observations.filter((o) => o.choice === rule.choice)) {
        ruleFailures.set(rule.id, [...(ruleFailures.get(rule.id) ?? []), `the upstream departs from it: ${observation.detail}`]);
      }
    }
    const count = (status: RuleCoverage['status']) => coverage.filter((rule) => rule.status === status).length;
    return {
      passed: count('passed'),
      failed: [...this.violations.values()].filter(isServerViolation).length,
      skipped: count('not-exercised'),
      errors: 0,
      requests: this.requests,
      observations: [...this.observations],
      coverage,
      ruleFailures,
      otherFailures: [],
    };
  }

  private upstreamFailureCount(): number {
    return [...this.failures.values()].reduce((sum, f) => sum + f.count, 0);
  }

  /** The closing lines: requests, rules broken on each side, drift, upstream failures. */
  summary(): string {
    const entries = [...this.violations.values()];
    const line = (list: ViolationEntry[], what: string) =>
      list.length === 0 ? [] : [`  ${what}:`, ...list.map((e) => `    ${e.rule}: ${e.count} exchange${e.count === 1 ? '' : 's'} (first: ${e.operation} ${e.status}: ${e.message})`)];
    const server = entries.filter(isServerViolation);
    const failures = [...this.failures.values()];
    const exercised = this.coverage().filter((rule) => rule.status !== 'not-exercised').length;
    return [
      `customers-mock proxy: ${this.requests} requests judged against ${exercised} of the document's ${this.rules.length} rules; ${server.length} documented rules broken by responses, ${entries.filter((e) => e.side === 'request').length} by requests, ${entries.filter((e) => e.side === 'response' && e.provenance === 'choice').length} choice departures; ${this.upstreamFailureCount()} upstream failures`,
      ...line(server, 'documented rules the upstream broke'),
      ...line(entries.filter((e) => e.side === 'request'), "rules the client's requests broke (forwarded all the same)"),
      ...line(entries.filter((e) => e.side === 'response' && e.provenance === 'choice'), 'choices of the document the upstream departs from (drift)'),
      ...(failures.length === 0 ? [] : ['  upstream failures:', ...failures.map((f) => `    ${f.status}: ${f.message} (${f.count} times)`)]),
      '',
    ].join('\n');
  }
}

function isServerViolation(entry: Pick<ViolationEntry, 'side' | 'provenance'>): boolean {
  return entry.side === 'response' && entry.provenance === 'documented';
}
