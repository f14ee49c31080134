import { observe, type Observation } from '../contract-kit/drift.js';
import { documentChoices } from '../contract-kit/provenance.js';
import type { Verdict } from '../judge/index.js';
import { documentAsWritten, getSpecModel, readCompatOptions, type SpecModel } from '../openapi/index.js';
import { ruleCatalogue } from '../openapi/rules.js';

/** What a departure was seen in: the operation and the upstream's answer. */
export interface DriftEvidence {
  readonly operationId: string;
  readonly method: string;
  readonly target: string;
  readonly response: { readonly status: number; readonly contentType: string | null; readonly body: unknown; readonly bodyIsJson: boolean };
}

/**
 * Puts the judge's departures from the document's choices in the kit's drift format, so that
 * `customers-mock --compat FILE` can load them. The judge names the rule; what the upstream does
 * instead is named by the document itself: the compat value under which the document, rewritten
 * as that option says, accepts the answer (`timestamps=snake_case` for `created_at`). A departure
 * no compat option describes is reported as such, with no compat pair to load.
 */
export function driftNamer(whole: SpecModel): (verdicts: readonly Verdict[], evidence: DriftEvidence) => Promise<Observation[]> {
  const choices = documentChoices(whole.spec.raw);
  const catalogue = ruleCatalogue(whole.spec.asWritten);
  // Each rewritten document is compiled the first time a departure needs it, and kept.
  const variants = readCompatOptions(documentAsWritten()).flatMap((option) =>
    Object.keys(option.rewrites).map((value) => ({ option, value, model: undefined as Promise<SpecModel> | undefined })),
  );

  async function compatAccepting(evidence: DriftEvidence) {
    for (const variant of variants) {
      variant.model ??= getSpecModel({ [variant.option.option]: variant.value });
      const model = await variant.model;
      if (!model.operations.some((op) => op.operationId === evidence.operationId)) continue;
      if (model.responseValidator(evidence.operationId)(evidence.response).length === 0) return variant;
    }
    return undefined;
  }

  return async (verdicts, evidence) => {
    const departures = verdicts.filter((v) => v.side === 'response' && v.provenance === 'choice');
    if (departures.length === 0) return [];
    const seen = `${evidence.method} ${evidence.target} answered ${evidence.response.status}`;
    const accepting = await compatAccepting(evidence);
    if (accepting) {
      const choice = choices.get(accepting.option.choice)!;
      return [observe(choice, { observed: accepting.value, expected: accepting.option.default, asDocument: false, detail: `${seen}: ${departures.map((v) => v.message).join('; ')}` })];
    }
    return departures.flatMap((verdict) => {
      const choice = choices.get(catalogue.rule(verdict.rule).choice ?? '');
      return choice ? [observe(choice, { observed: 'otherwise', expected: 'as the document', asDocument: false, detail: `${seen}: ${verdict.message}` })] : [];
    });
  };
}
