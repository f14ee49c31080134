import { distinctObservations, driftReport, type Observation } from '../contract-kit/drift.js';
import { escapeXml } from '../contract-kit/junit.js';
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
 * grouped by status. It is what `GET /__proxy/report`, `--report`, `--junit` and `--drift` write,
 * and what decides the exit status.
 */
export class TrafficReport {
  private requests = 0;
  private readonly violations = new Map<string, ViolationEntry>();
  private readonly failures = new Map<string, UpstreamFailureEntry>();
  private observations: Observation[] = [];
  /** How many exchanges could show each rule broken, whether or not they did. */
  private readonly judged = new Map<string, number>();

  /** `rules`: every rule of the document, for the JUnit's cases. */
  constructor(private readonly rules: readonly Pick<Rule, 'id' | 'provenance' | 'text'>[]) {}

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
   * JUnit with one case per rule of the document. A documented rule a response broke fails (as the
   * exit status does); a rule the traffic could show passes, with the client's violations and any
   * drift in its output; a rule no exchange could show is skipped, as not exercised: live traffic
   * proves only what it touched. A published report is red exactly when the run is.
   */
  junit(now: Date = new Date()): string {
    const entries = [...this.violations.values()];
    const cases = this.rules.map((rule) => {
      const seen = entries.filter((entry) => entry.rule === rule.id);
      const describe = (entry: ViolationEntry) =>
        `${entry.side === 'request' ? 'the client' : 'the upstream'} broke it in ${entry.count} exchange${entry.count === 1 ? '' : 's'}, first in ${entry.operation} answered ${entry.status}: ${entry.message}`;
      const broken = seen.filter(isServerViolation);
      const exchanges = this.judged.get(rule.id) ?? 0;
      let body: string;
      if (broken.length > 0) {
        body = `<failure message="${escapeXml(broken[0]!.message)}" type="ContractViolation">${escapeXml([rule.text, ...seen.map(describe)].join('\n'))}</failure>`;
      } else if (exchanges === 0 && seen.length === 0) {
        body = '<skipped message="not exercised: no exchange of this traffic could show it" />';
      } else {
        const notes = seen.map((entry) => (entry.provenance === 'choice' && entry.side === 'response' ? `drift (a choice of the document): ${describe(entry)}` : describe(entry)));
        body = `<system-out>${escapeXml([`judged in ${exchanges} exchange${exchanges === 1 ? '' : 's'}`, ...notes].join('\n'))}</system-out>`;
      }
      return `        <testcase classname="${escapeXml(rule.provenance)}" name="${escapeXml(rule.id)}" time="0">\n            ${body}\n        </testcase>`;
    });
    const failures = this.rules.filter((rule) => entries.some((entry) => entry.rule === rule.id && isServerViolation(entry))).length;
    const skipped = cases.filter((text) => text.includes('<skipped')).length;
    return `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="customers-mock proxy" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">
    <testsuite name="live traffic (${this.requests} requests, ${this.upstreamFailureCount()} upstream failures)" timestamp="${now.toISOString()}" hostname="" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">
${cases.join('\n')}
    </testsuite>
</testsuites>
`;
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
    const exercised = this.rules.filter((rule) => this.judged.has(rule.id)).length;
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
