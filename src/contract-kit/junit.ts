import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RuleCoverage } from './coverage.js';
import { formatObservation } from './drift.js';
import type { PreflightFinding } from './preflight.js';
import type { Profile } from './profile.js';
import type { RunSummary } from './reporter.js';

/**
 * A JUnit report of a run stopped by its preflight: one failing case carrying the headline, so a CI
 * job that publishes the report shows the cause instead of a missing file.
 */
export function writePreflightJUnit(file: string, finding: PreflightFinding, profile: Profile): void {
  const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="contract (profile ${profile})" tests="1" failures="1" errors="0" time="0">
    <testsuite name="preflight" timestamp="${new Date().toISOString()}" hostname="" tests="1" failures="1" errors="0" skipped="0" time="0">
        <testcase classname="preflight" name="the server answers like the API" time="0">
            <failure message="${escapeXml(finding.headline)}" type="PreflightFailure">${escapeXml(`${finding.headline}\n${finding.evidence}`)}</failure>
        </testcase>
    </testsuite>
</testsuites>
`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, xml);
}

/** Escapes markup and drops the control characters XML 1.0 cannot carry (a server's body may hold them). */
function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The JUnit report of a run: one test case per rule of the document. A rule broken where it is
 * asserted fails; a choice departed from where it is only observed (the documented profile)
 * passes, with the departure in its output; a rule no check reached is skipped, with the reason.
 * Failures that name no rule (a server that stopped answering, a cleanup that failed) follow as
 * cases of their own.
 */
export function writeRulesJUnit(file: string, summary: RunSummary, profile: Profile, seconds: number): void {
  const asserted = (rule: RuleCoverage) => rule.provenance === 'documented' || profile === 'strict';
  const cases = summary.coverage.map((rule) => {
    const name = `${rule.id} (${rule.provenance})`;
    const observations = rule.choice === undefined ? [] : summary.observations.filter((o) => o.choice === rule.choice);
    const properties = observations.length > 0 ? `\n            <properties>\n${observations.map((o) => `                <property name="choice-observation" value="${escapeXml(formatObservation(o))}">\n                </property>`).join('\n')}\n            </properties>` : '';
    const reports = (summary.ruleFailures.get(rule.id) ?? []).join('\n\n');
    let body = '';
    if (rule.status === 'not-exercised') body = `\n            <skipped message="${escapeXml(rule.reason ?? 'not exercised')}"/>`;
    else if (rule.status === 'failed' && asserted(rule)) body = `\n            <failure message="${escapeXml(`rule ${rule.id} broken`)}" type="RuleFailure">${escapeXml(reports)}</failure>`;
    else if (rule.status === 'failed') body = `\n            <system-out>${escapeXml(`departs from the choice (observed, not asserted in the ${profile} profile)\n${reports}`)}</system-out>`;
    return `        <testcase classname="rules" name="${escapeXml(name)}" time="0">${properties}${body}\n        </testcase>`;
  });
  const others = summary.otherFailures.map((report) => {
    const [where = 'run', ...rest] = report.split('\n');
    return `        <testcase classname="run" name="${escapeXml(where)}" time="0">\n            <failure message="${escapeXml(where)}" type="ContractFailure">${escapeXml(rest.join('\n'))}</failure>\n        </testcase>`;
  });
  const failures = summary.coverage.filter((r) => r.status === 'failed' && asserted(r)).length + others.length;
  const skipped = summary.coverage.filter((r) => r.status === 'not-exercised').length;
  const tests = cases.length + others.length;
  const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="contract (profile ${profile})" tests="${tests}" failures="${failures}" errors="0" time="${seconds}">
    <testsuite name="rules" timestamp="${new Date().toISOString()}" hostname="" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}">
${[...cases, ...others].join('\n')}
    </testsuite>
</testsuites>
`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, xml);
}
