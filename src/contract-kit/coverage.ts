import type { Rule } from '../openapi/rules.js';
import type { RuleReport, RuleTally } from './kit.js';

/** What a run came to for one rule of the document. */
export interface RuleCoverage {
  readonly id: string;
  readonly provenance: 'documented' | 'choice';
  /** The `x-choices` entry that governs it, for a choice. */
  readonly choice: string | undefined;
  /** `failed`: some check found the rule broken (at a choice: departed from, asserted or not); `not-exercised`: no check reached it. */
  readonly status: 'passed' | 'failed' | 'not-exercised';
  /** How many checks named the rule. */
  readonly checks: number;
  /** Why no check reached it, for `not-exercised`. */
  readonly reason: string | undefined;
}

/** Why the run as a whole may have left rules unprobed, for the rules no check gave a reason for. */
export interface RunCircumstances {
  readonly budgetSpent: boolean;
  readonly failures: boolean;
}

/** Adds up what the checks found per rule over a run. */
export class CoverageTally {
  private readonly tally = new Map<string, RuleTally>();
  private readonly unreached = new Map<string, string>();

  add(report: RuleReport | undefined): void {
    if (!report) return;
    for (const [rule, { checks, failures }] of Object.entries(report.tally)) {
      const entry = this.tally.get(rule) ?? { checks: 0, failures: 0 };
      this.tally.set(rule, { checks: entry.checks + checks, failures: entry.failures + failures });
    }
    for (const [rule, reason] of Object.entries(report.unreached)) if (!this.unreached.has(rule)) this.unreached.set(rule, reason);
  }

  /** Every rule of the document, in its order: a rule no check reached is `not-exercised`, never `passed`. */
  coverage(rules: readonly Rule[], circumstances: RunCircumstances): RuleCoverage[] {
    return rules.map((rule) => {
      const { checks, failures } = this.tally.get(rule.id) ?? { checks: 0, failures: 0 };
      const status = failures > 0 ? 'failed' : checks > 0 ? 'passed' : 'not-exercised';
      const reason = status !== 'not-exercised' ? undefined : (this.unreached.get(rule.id) ?? fallbackReason(circumstances));
      return { id: rule.id, provenance: rule.provenance, choice: rule.choice, status, checks, reason };
    });
  }
}

function fallbackReason({ budgetSpent, failures }: RunCircumstances): string {
  if (budgetSpent) return 'the --max-requests budget was spent before a check reached it';
  if (failures) return 'no check reached it: a check failed before it got there';
  return 'no check reached it';
}

/** The `--coverage FILE` report. */
export function coverageJson(coverage: readonly RuleCoverage[]): { rules: Array<Pick<RuleCoverage, 'id' | 'provenance' | 'status' | 'checks'>> } {
  return { rules: coverage.map(({ id, provenance, status, checks }) => ({ id, provenance, status, checks })) };
}

/** The documented rules a run left unprobed: what `--require-coverage` fails a run for. */
export function unexercisedDocumented(coverage: readonly RuleCoverage[]): RuleCoverage[] {
  return coverage.filter((r) => r.provenance === 'documented' && r.status === 'not-exercised');
}

/** The console's account of the rules: a count per status, then each failed and each unprobed rule with why. */
export function describeCoverage(coverage: readonly RuleCoverage[]): string[] {
  const count = (status: RuleCoverage['status']) => coverage.filter((r) => r.status === status);
  const [passed, failed, unreached] = [count('passed'), count('failed'), count('not-exercised')];
  const documented = coverage.filter((r) => r.provenance === 'documented').length;
  const lines = [`Rules: ${passed.length} passed, ${failed.length} failed, ${unreached.length} not exercised (of ${coverage.length}: ${documented} documented, ${coverage.length - documented} choices)`];
  for (const rule of failed) lines.push(`  failed         ${rule.id} (${rule.provenance}${rule.provenance === 'choice' ? ': see the choice points' : ''})`);
  for (const rule of unreached) lines.push(`  not exercised  ${rule.id} (${rule.provenance}): ${rule.reason}`);
  return lines;
}

/** Every rule unprobed, for the same reason (a run stopped before any check). */
export function noneExercised(rules: readonly Rule[], reason: string): RuleCoverage[] {
  return rules.map((rule) => ({ id: rule.id, provenance: rule.provenance, choice: rule.choice, status: 'not-exercised', checks: 0, reason }));
}
