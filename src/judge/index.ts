// The one judge of single exchanges, shared by the contract kit and the validation proxy. It imports
// nothing from the server (http/) or the kit (contract-kit/): only the document and the list semantics.
export { createJudge, type Judge, type JudgeOptions, type Judgement, type JudgedRequest, type JudgedResponse, type Knowledge, type Verdict } from './judge.js';
export { documentedOnly } from './schema-profile.js';
export { withoutSchemaChoices } from '../openapi/schema-choices.js';
export type { Provenance, Rule, RuleId } from '../openapi/rules.js';
