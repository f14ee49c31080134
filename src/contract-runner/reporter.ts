import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { SerializedError } from 'vitest';

/** What a finished run came to; the CLI's exit code is derived from it. */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Errors outside any single check: a module that failed to load, a cleanup that failed. */
  errors: number;
  requests: number;
}

/** A run passes when every check that ran passed, nothing else went wrong, and at least one ran. */
export function runPassed(summary: RunSummary): boolean {
  return summary.failed === 0 && summary.errors === 0 && summary.passed > 0;
}

/**
 * Prints each check as it finishes (progress), then the report: every failing check with its
 * request, expectation and response, every skipped check with its reason, and the number of
 * requests the run sent.
 */
export class ContractReporter implements Reporter {
  readonly summary: RunSummary;
  private readonly failures: string[] = [];
  private readonly skips: string[] = [];

  /** `requestsBefore`: requests sent before the checks (the preflight's), so the total is what the server saw. */
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    requestsBefore = 0,
  ) {
    this.summary = { passed: 0, failed: 0, skipped: 0, errors: 0, requests: requestsBefore };
  }

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    const name = testCase.fullName;
    this.summary.requests += testCase.meta().requests ?? 0;
    if (result.state === 'passed') {
      this.summary.passed++;
      this.out.write(`  pass  ${name}\n`);
    } else if (result.state === 'failed') {
      this.summary.failed++;
      this.out.write(`  FAIL  ${name}\n`);
      this.failures.push(`FAIL ${name}\n${result.errors.map((e) => indent(e.message)).join('\n')}`);
    } else if (result.state === 'skipped') {
      this.summary.skipped++;
      const reason = result.note ?? 'skipped';
      this.out.write(`  skip  ${name}: ${reason}\n`);
      this.skips.push(`${name}: ${reason}`);
    }
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const problems: string[] = [];
    for (const module of modules) {
      this.summary.requests += module.meta().requests ?? 0;
      for (const error of module.errors()) problems.push(`ERROR in ${module.relativeModuleId}\n${indent(error.message)}`);
    }
    for (const error of unhandled) problems.push(`ERROR (unhandled)\n${indent(error.message)}`);
    this.summary.errors = problems.length;
    const lines = ['', ...this.failures.flatMap((f) => [f, '']), ...problems.flatMap((p) => [p, ''])];
    if (this.skips.length > 0) lines.push('Skipped (not enough data on the server, or not enabled):', ...this.skips.map((s) => `  - ${s}`), '');
    const { passed, failed, skipped, errors, requests } = this.summary;
    const verdict = runPassed(this.summary) ? 'PASSED' : 'FAILED';
    lines.push(`Contract ${verdict}: ${passed} passed, ${failed} failed, ${skipped} skipped${errors ? `, ${errors} errors` : ''}; ${requests} requests sent`, '');
    this.out.write(lines.join('\n'));
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
