import { DRIFT_REPORT_FORMAT } from '../config/compat-option.js';
import type { Choice } from './provenance.js';
import type { Profile } from './profile.js';

/** What the deployment does at one choice point: one entry of the drift report. */
export interface Observation {
  readonly choice: string;
  readonly topic: string;
  /** What the document requires there (the compat default where the choice has one). */
  readonly document: string;
  readonly observed: string;
  /** Present when the choice has a compat option and the observation is one of its values. */
  readonly compat?: { readonly option: string; readonly value: string };
  /** Human-readable evidence: the request and what came back. */
  readonly detail: string;
}

/** What a check found at a choice point, in its own words. */
export interface Finding {
  /** Short label of the behaviour, e.g. `snake_case`; a compat value where the choice has one. */
  readonly observed: string;
  /** Short label of what the document requires, used when the choice has no compat default. */
  readonly expected: string;
  readonly asDocument: boolean;
  readonly detail: string;
}

export function observe(choice: Choice, finding: Finding): Observation {
  const compat = choice.compat && finding.observed in choice.compat.values ? { option: choice.compat.option, value: finding.observed } : undefined;
  return {
    choice: choice.id,
    topic: choice.topic,
    document: choice.compat?.default ?? finding.expected,
    observed: finding.observed,
    ...(compat ? { compat } : {}),
    detail: finding.detail,
  };
}

export function differs(observation: Observation): boolean {
  return observation.observed !== observation.document;
}

/** One line of the printed report, e.g. `timestamp key spelling: snake_case (document: camelCase)`. */
export function formatObservation(observation: Observation): string {
  const verdict = differs(observation) ? `${observation.observed} (document: ${observation.document})` : `${observation.observed}, as the document`;
  return `${observation.topic} [${observation.choice}]: ${verdict}`;
}

/** The same choice seen the same way by several checks is reported once. */
export function distinctObservations(observations: readonly Observation[]): Observation[] {
  const seen = new Map<string, Observation>();
  for (const o of observations) {
    const key = `${o.choice}\u0000${o.observed}`;
    if (!seen.has(key)) seen.set(key, o);
  }
  return [...seen.values()];
}

/** The JSON drift report (`--drift FILE`), read by the mock's `--compat FILE`. */
export function driftReport(profile: Profile, baseUrl: string, observations: readonly Observation[]) {
  return { format: DRIFT_REPORT_FORMAT, profile, baseUrl, observations: distinctObservations(observations) };
}
