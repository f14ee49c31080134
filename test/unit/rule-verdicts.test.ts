import { describe, expect, it } from 'vitest';
import { failedRules, judgeRun, killRateTable, type CoverageReport } from '../support/rule-verdicts.js';

const report = (statuses: Record<string, 'passed' | 'failed' | 'not-exercised'>, choices: readonly string[] = []): CoverageReport => ({
  rules: Object.entries(statuses).map(([id, status]) => ({ id, provenance: choices.includes(id) ? 'choice' : 'documented', status, checks: status === 'not-exercised' ? 0 : 1 })),
});

describe('the mutation verdict of a run', () => {
  it('is a kill only when a rule the defect breaks failed', () => {
    const verdict = judgeRun(7, ['list.filter.name.literal'], report({ 'list.filter.name.literal': 'failed', 'list.page.size': 'passed' }));
    expect(verdict).toMatchObject({ seed: 7, caught: true, caughtBy: ['list.filter.name.literal'], failedElsewhere: [] });
  });

  it('is no kill when only other rules failed, and says which', () => {
    const verdict = judgeRun(1, ['list.paging.complete'], report({ 'list.paging.complete': 'passed', 'list.page.size': 'failed', 'rate-limit.headers': 'not-exercised' }));
    expect(verdict).toMatchObject({ caught: false, caughtBy: [], brokenRules: ['list.paging.complete: passed'], failedElsewhere: ['list.page.size'] });
  });

  it('is no kill when the broken rule was not exercised or is not in the report', () => {
    expect(judgeRun(1, ['write.delete.gone-from-views'], report({ 'write.delete.gone-from-views': 'not-exercised' })).caught).toBe(false);
    expect(judgeRun(1, ['a.rule.gone'], report({})).brokenRules).toEqual(['a.rule.gone: not in the report']);
  });

  it('counts failed rules of one provenance apart: a departure at a choice is no documented failure', () => {
    const coverage = report({ 'list.order': 'failed', 'auth.required': 'passed' }, ['list.order']);
    expect(failedRules(coverage)).toEqual(['list.order']);
    expect(failedRules(coverage, 'documented')).toEqual([]);
  });

  it('tabulates kill rates per class and per defect, with each seed and the replay of a survivor', () => {
    const caught = judgeRun(1, ['r.a'], report({ 'r.a': 'failed' }));
    const survived = judgeRun(7, ['r.a'], report({ 'r.a': 'passed', 'r.b': 'failed' }));
    const table = killRateTable('Mutation test', [{ name: 'a bug', class: 'bounds', runs: [caught, survived] }], [1, 7], 12_000);
    expect(table).toContain('bounds  runs     1/2 ( 50%)   killed under every seed 0/1');
    expect(table).toMatch(/SURVIVED bounds\s+a bug\s+1\+ 7-\s+caught by r\.a/);
    expect(table).toContain('seed 7: r.a: passed; failed instead: r.b (replay: --seed 7)');
  });
});
