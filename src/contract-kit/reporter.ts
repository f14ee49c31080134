import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { SerializedError, UserConsoleLog } from 'vitest';
import type { Rule } from '../openapi/rules.js';
import { CoverageTally, describeCoverage, type RuleCoverage } from './coverage.js';
import { differs, distinctObservations, formatObservation, type Observation } from './drift.js';
import { budgetSpent, INTERRUPTED } from './kit.js';
import type { Profile } from './profile.js';

/** What a finished run came to; the CLI's exit code is derived from it. */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Errors outside any single check: a module that failed to load, a cleanup that failed. */
  errors: number;
  requests: number;
  /** What the deployment does at each choice point the run reached. */
  observations: Observation[];
  /** Every rule of the document, with what the run found. */
  coverage: RuleCoverage[];
  /** The failures that name each rule (a failing check's report, from the line naming the rule on). */
  ruleFailures: Map<string, string[]>;
  /** Failures that name no rule (a server that stopped answering, a cleanup that failed), with where they happened. */
  otherFailures: string[];
}

/** A run passes when every check that ran passed, nothing else went wrong, and at least one ran. */
export function runPassed(summary: RunSummary): boolean {
  return summary.failed === 0 && summary.errors === 0 && summary.passed > 0;
}

/** How the run was set up, and whether it was stopped, for the report's closing lines. */
export interface RunLabel {
  readonly profile: Profile;
  readonly seed: number;
  /** When the run started (ms since the epoch), for its duration. */
  readonly startedAt: number;
  readonly maxRequests: number | undefined;
  /** The signal that stopped the checks, once one has. */
  readonly interruptedBy: () => NodeJS.Signals | undefined;
  /** The document's rules, which the run reports on one by one. */
  readonly rules: readonly Rule[];
}

/** The reporter events a contract run's report is made of. */
export type RunReporter = Required<Pick<Reporter, 'onTestCaseResult' | 'onUserConsoleLog' | 'onTestRunEnd'>>;

/** A failure report's line naming its rule (see ContractFailure); a report of several cases has several. */
const RULE_LINE = /^rule: +(\S+)$/gm;

/**
 * Prints each check as it finishes (progress), then the report: every failing check with its
 * rule, request, expectation and response, every skipped check with its reason, the drift report
 * (what the deployment does at each choice point), each rule's outcome, and the number of requests
 * the run sent.
 */
export class ContractReporter implements RunReporter {
  readonly summary: RunSummary;
  private readonly failures: string[] = [];
  private readonly skips: string[] = [];
  /** Checks the interruption kept from running: they are neither failures nor skips of their own. */
  private notRun = 0;
  /** Checks skipped because `--max-requests` was spent. */
  private overBudget = 0;
  private readonly tally = new CoverageTally();

  /** `requestsBefore`: requests sent before the checks (the preflight's), so the total is what the server saw. */
  constructor(
    private readonly label: RunLabel,
    private readonly out: NodeJS.WritableStream = process.stdout,
    requestsBefore = 0,
  ) {
    this.summary = { passed: 0, failed: 0, skipped: 0, errors: 0, requests: requestsBefore, observations: [], coverage: [], ruleFailures: new Map(), otherFailures: [] };
  }

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    const name = testCase.fullName;
    this.summary.requests += testCase.meta().requests ?? 0;
    this.tally.add(testCase.meta().rules);
    const observations = testCase.meta().observations ?? [];
    this.summary.observations.push(...observations);
    // The JUnit report writes a test's annotations as its properties. `annotate()` is refused once
    // a test's body has ended, and observations arrive with the result, so they join the list here.
    const { task } = testCase as unknown as { task: { annotations: { type: string; message: string }[] } };
    for (const observation of observations) task.annotations.push({ type: 'choice-observation', message: formatObservation(observation) });
    if (result.state === 'passed') {
      this.summary.passed++;
      this.out.write(`  pass  ${name}\n`);
    } else if (result.state === 'failed') {
      this.summary.failed++;
      this.out.write(`  FAIL  ${name}\n`);
      this.failures.push(`FAIL ${name}\n${result.errors.map((e) => indent(e.message)).join('\n')}`);
      for (const error of result.errors) this.recordRuleFailures(error.message, name);
    } else if (result.state === 'skipped') {
      const reason = result.note ?? 'skipped';
      if (reason.startsWith(INTERRUPTED)) {
        this.notRun++;
        return;
      }
      this.summary.skipped++;
      if (this.label.maxRequests !== undefined && reason === budgetSpent(this.label.maxRequests)) this.overBudget++;
      this.out.write(`  skip  ${name}: ${reason}\n`);
      this.skips.push(`${name}: ${reason}`);
    }
  }

  /** Files each rule-naming part of a failure report under its rule, for the JUnit case of the rule. */
  private recordRuleFailures(message: string, where: string): void {
    const starts = [...message.matchAll(RULE_LINE)];
    if (starts.length === 0) this.summary.otherFailures.push(`${where}\n${message}`);
    starts.forEach((match, i) => {
      const part = message.slice(match.index, starts[i + 1]?.index ?? message.length).trim();
      const list = this.summary.ruleFailures.get(match[1]!) ?? [];
      list.push(`${where}\n${part}`);
      this.summary.ruleFailures.set(match[1]!, list);
    });
  }

  /** What a check prints for the reader (e.g. the records it had to leave deactivated). */
  onUserConsoleLog(log: UserConsoleLog): void {
    this.out.write(log.content);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const problems: string[] = [];
    for (const module of modules) {
      this.summary.requests += module.meta().requests ?? 0;
      this.summary.observations.push(...(module.meta().observations ?? []));
      this.tally.add(module.meta().rules);
      for (const error of module.errors()) {
        problems.push(`ERROR in ${module.relativeModuleId}\n${indent(error.message)}`);
        this.recordRuleFailures(error.message, module.relativeModuleId);
      }
    }
    for (const error of unhandled) problems.push(`ERROR (unhandled)\n${indent(error.message)}`);
    this.summary.errors = problems.length;
    this.summary.observations = distinctObservations(this.summary.observations);
    const lines = ['', ...this.failures.flatMap((f) => [f, '']), ...problems.flatMap((p) => [p, ''])];
    if (this.skips.length > 0) lines.push('Skipped (not enough data on the server, not enabled, or over budget):', ...this.skips.map((s) => `  - ${s}`), '');
    const { observations } = this.summary;
    if (observations.length > 0) {
      const drifting = observations.filter(differs).length;
      lines.push(`Choice points (drift report): ${observations.length} observed, ${drifting} differ from the document`, ...observations.map((o) => `  - ${formatObservation(o)}`), '');
    }
    const interrupted = this.label.interruptedBy();
    this.summary.coverage = this.tally.coverage(this.label.rules, { budgetSpent: this.overBudget > 0, interrupted, failures: this.failures.length + problems.length > 0 });
    lines.push(...describeCoverage(this.summary.coverage), '');
    lines.push(this.headline(interrupted), '');
    this.out.write(lines.join('\n'));
  }

  /** The closing line: the verdict, or the interruption, and whether the run checked everything. */
  private headline(interrupted: NodeJS.Signals | undefined): string {
    const { passed, failed, skipped, errors, requests } = this.summary;
    const { profile, seed, startedAt, maxRequests } = this.label;
    const checks = passed + failed + skipped + this.notRun;
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const counts = `${passed} passed, ${failed} failed, ${skipped} skipped${errors ? `, ${errors} errors` : ''}; ${requests} requests sent in ${seconds} s`;
    const setup = `profile ${profile}, seed ${seed}`;
    if (interrupted) return `Contract INTERRUPTED (${interrupted}) after ${checks - this.notRun} of ${checks} checks (${setup}): ${counts}`;
    const verdict = runPassed(this.summary) ? 'PASSED' : 'FAILED';
    const partial = this.overBudget > 0 ? `, partial: ${this.overBudget} of ${checks} checks not run: --max-requests ${maxRequests}` : '';
    return `Contract ${verdict}${partial} (${setup}): ${counts}`;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
