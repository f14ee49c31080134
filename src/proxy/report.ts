import { distinctObservations, driftReport, type Observation } from '../contract-kit/drift.js';
import { escapeXml } from '../contract-kit/junit.js';
import type { Verdict } from '../judge/index.js';

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
 * grouped by status. It is what `GET /__proxy/report`, `--report`, `--junit` and `--drift` write,
 * and what decides the exit status.
 */
export class TrafficReport {
  private requests = 0;
  private readonly violations = new Map<string, ViolationEntry>();
  private readonly failures = new Map<string, UpstreamFailureEntry>();
  private observations: Observation[] = [];

  countRequest(): void {
    this.requests++;
  }

  /** Counts an exchange's verdicts under their rules, and keeps what it showed at choice points. */
  add(verdicts: readonly Verdict[], observations: readonly Observation[] = []): void {
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
   * JUnit with one case per rule seen: a documented rule a response broke fails (as the exit status
   * does); a client's violation and a departure at a choice point pass with what was seen in their
   * output, so a published report is red exactly when the run is.
   */
  junit(now: Date = new Date()): string {
    const entries = [...this.violations.values()];
    const failures = entries.filter(isServerViolation).length;
    const cases = entries.map((entry) => {
      const name = `${entry.rule} (${entry.side === 'request' ? "the client's requests" : 'responses'})`;
      const seen = `${entry.count} time${entry.count === 1 ? '' : 's'}, first in ${entry.operation} answered ${entry.status}: ${entry.message}`;
      const body = isServerViolation(entry)
        ? `<failure message="${escapeXml(entry.message)}" type="ContractViolation">${escapeXml(seen)}</failure>`
        : `<system-out>${escapeXml(`${entry.provenance === 'choice' ? 'departs from a choice of the document (drift)' : 'broken by the client'}: ${seen}`)}</system-out>`;
      return `        <testcase classname="${escapeXml(entry.provenance)}" name="${escapeXml(name)}" time="0">\n            ${body}\n        </testcase>`;
    });
    const upstream = [...this.failures.values()].map(
      (entry) =>
        `        <testcase classname="upstream" name="${escapeXml(`upstream answered (${entry.status})`)}" time="0">\n            <system-out>${escapeXml(`${entry.count} times: ${entry.message}`)}</system-out>\n        </testcase>`,
    );
    const tests = cases.length + upstream.length;
    return `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="customers-mock proxy" tests="${tests}" failures="${failures}" errors="0" time="0">
    <testsuite name="live traffic (${this.requests} requests)" timestamp="${now.toISOString()}" hostname="" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="0">
${[...cases, ...upstream].join('\n')}
    </testsuite>
</testsuites>
`;
  }

  /** The closing lines: requests, rules broken on each side, drift, upstream failures. */
  summary(): string {
    const entries = [...this.violations.values()];
    const line = (list: ViolationEntry[], what: string) =>
      list.length === 0 ? [] : [`  ${what}:`, ...list.map((e) => `    ${e.rule}: ${e.count} time${e.count === 1 ? '' : 's'} (first: ${e.operation} ${e.status}: ${e.message})`)];
    const server = entries.filter(isServerViolation);
    const failures = [...this.failures.values()];
    return [
      `customers-mock proxy: ${this.requests} requests; ${server.length} documented rules broken by responses, ${entries.filter((e) => e.side === 'request').length} by requests, ${entries.filter((e) => e.side === 'response' && e.provenance === 'choice').length} choice departures; ${failures.reduce((sum, f) => sum + f.count, 0)} upstream failures`,
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
