/**
 * The kit's own tests run every defect under each of these seeds, so that a defect the kit finds
 * only by chance shows as a survivor, and a survivor is replayed exactly with `--seed N`.
 */
export const MUTATION_SEEDS = [1, 7, 1234] as const;

/**
 * The seeds a defect runs under. The seed steers only the random write sequences: a read-only run
 * sends the same requests whatever it is (the mutation test checks that on the clean mock), so one
 * read-only run stands for every seed, and three of them would cost three times as much for nothing.
 */
export function seedsFor(defect: { readonly writes?: boolean }): readonly number[] {
  return defect.writes ? MUTATION_SEEDS : MUTATION_SEEDS.slice(0, 1);
}

/** One rule as a kit run's `--coverage` report gives it. */
export interface RuleOutcome {
  readonly id: string;
  readonly provenance: 'documented' | 'choice';
  readonly status: 'passed' | 'failed' | 'not-exercised';
  readonly checks: number;
}

export interface CoverageReport {
  readonly rules: readonly RuleOutcome[];
}

/** What one kit run made of a server that breaks some rules. */
export interface RunVerdict {
  readonly seed: number;
  /** A check of a broken rule failed: the only way a run catches the defect. */
  readonly caught: boolean;
  /** The broken rules whose checks failed. */
  readonly caughtBy: readonly string[];
  /** How each broken rule came out (`passed`, `not-exercised`, or missing from the report). */
  readonly brokenRules: readonly string[];
  /** Other rules that failed: a failure the kit put down to another rule, or a side effect. */
  readonly failedElsewhere: readonly string[];
}

/**
 * The verdict of one run: caught only when a check naming one of the broken rules failed. A
 * failure of any other rule does not count, however red the run was.
 */
export function judgeRun(seed: number, breaks: readonly string[], coverage: CoverageReport): RunVerdict {
  const byId = new Map(coverage.rules.map((rule) => [rule.id, rule]));
  const caughtBy = breaks.filter((id) => byId.get(id)?.status === 'failed');
  return {
    seed,
    caught: caughtBy.length > 0,
    caughtBy,
    brokenRules: breaks.map((id) => `${id}: ${byId.get(id)?.status ?? 'not in the report'}`),
    failedElsewhere: coverage.rules.filter((rule) => rule.status === 'failed' && !breaks.includes(rule.id)).map((rule) => rule.id),
  };
}

/**
 * The rules a run failed, of one provenance or all: a server that follows the document fails none,
 * and one that departs only at choice points (a platform variant) fails no documented rule.
 */
export function failedRules(coverage: CoverageReport, provenance?: RuleOutcome['provenance']): string[] {
  return coverage.rules.filter((rule) => rule.status === 'failed' && (provenance === undefined || rule.provenance === provenance)).map((rule) => rule.id);
}

/** One defect (an injected fault or an independent implementation) and its runs. */
export interface DefectVerdicts {
  readonly name: string;
  readonly class: string;
  readonly runs: readonly RunVerdict[];
}

/** Why a run let the defect through, in a line: how the broken rules came out, and what failed instead. */
export function describeSurvival(run: RunVerdict): string {
  const elsewhere = run.failedElsewhere.length > 0 ? `; failed instead: ${run.failedElsewhere.join(', ')}` : '; no rule failed';
  return `seed ${run.seed}: ${run.brokenRules.join(', ')}${elsewhere}`;
}

function percent(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.round((part / whole) * 100)}%`;
}

/**
 * The kill-rate table: per class (runs caught, and defects caught under every seed), then per
 * defect with each seed's outcome and the rule that caught it, or why it survived.
 */
export function killRateTable(title: string, defects: readonly DefectVerdicts[], seeds: readonly number[], elapsedMs: number): string {
  const lines = [`${title}: ${defects.length} defects, those seen only in writes under seeds ${seeds.join(', ')} (a read-only run is the same under any seed); ${defects.reduce((n, d) => n + d.runs.length, 0)} runs in ${(elapsedMs / 1000).toFixed(0)} s`];
  lines.push('A run kills a defect only when a check of a rule it breaks fails (its coverage report says so).');
  const classes = [...new Set(defects.map((d) => d.class))];
  const width = Math.max(...classes.map((c) => c.length), 'all'.length);
  const row = (label: string, group: readonly DefectVerdicts[]) => {
    const runs = group.flatMap((d) => d.runs);
    const caughtRuns = runs.filter((r) => r.caught).length;
    const always = group.filter((d) => d.runs.length > 0 && d.runs.every((r) => r.caught)).length;
    return `  ${label.padEnd(width)}  runs ${`${caughtRuns}/${runs.length}`.padStart(7)} (${percent(caughtRuns, runs.length).padStart(4)})   killed under every seed ${always}/${group.length}`;
  };
  lines.push('Kill rate per class:');
  for (const name of classes) lines.push(row(name, defects.filter((d) => d.class === name)));
  lines.push(row('all', defects));
  lines.push('Per defect (seed: + caught, - survived):');
  const nameWidth = Math.max(...defects.map((d) => d.name.length));
  for (const defect of defects) {
    const caught = defect.runs.every((r) => r.caught);
    const marks = defect.runs.map((r) => `${r.seed}${r.caught ? '+' : '-'}`).join(' ');
    const by = [...new Set(defect.runs.flatMap((r) => r.caughtBy))].join(', ');
    lines.push(`  ${caught ? 'killed  ' : 'SURVIVED'} ${defect.class.padEnd(width)}  ${defect.name.padEnd(nameWidth)}  ${marks}${by ? `  caught by ${by}` : ''}`);
    for (const run of defect.runs.filter((r) => !r.caught)) lines.push(`           ${' '.repeat(width)}  ${describeSurvival(run)} (replay: --seed ${run.seed})`);
  }
  return lines.join('\n');
}
