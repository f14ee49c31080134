import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PreflightFinding } from './preflight.js';
import type { Profile } from './profile.js';

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
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
