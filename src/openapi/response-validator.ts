import { describeErrors, type ValidateFunction } from './ajv.js';
import type { SpecOperation } from './operations.js';
import { checkName, responseSchema, type CompiledChecks } from './validator-schemas.js';

/** What came back, as a checker sees it. */
export interface ObservedResponse {
  readonly status: number;
  readonly contentType: string | null;
  /** The parsed JSON body, or the text when it was not JSON. */
  readonly body: unknown;
  readonly bodyIsJson: boolean;
}

export type ResponseValidator = (response: ObservedResponse) => string[];

/** Every documented response of the operation, checked; the result lists what deviates. */
export function compileResponseValidator(checks: CompiledChecks, operation: SpecOperation): ResponseValidator {
  const byStatus = new Map<string, ValidateFunction | null>();
  for (const [status, response] of Object.entries(operation.responses)) {
    byStatus.set(status, responseSchema(response) ? checks(checkName.response(operation.operationId, status)) : null);
  }
  const documented = [...byStatus.keys()].join(', ');
  const label = `${operation.method.toUpperCase()} ${operation.path}`;

  return (response) => {
    const status = String(response.status);
    const validate = byStatus.has(status) ? byStatus.get(status) : byStatus.get(`${status[0]}XX`);
    if (validate === undefined) {
      return [`status ${status} is not documented for ${label} (documented: ${documented})`];
    }
    if (validate === null) return [];
    const problems: string[] = [];
    if (!response.contentType || !/^application\/json\b/i.test(response.contentType)) {
      problems.push(`content-type is ${response.contentType ?? 'missing'}, expected application/json`);
    }
    if (!response.bodyIsJson) {
      problems.push('body is not JSON');
      return problems;
    }
    if (!validate(response.body)) {
      problems.push(...describeErrors(validate.errors ?? [], 'body').map((m) => `response ${m}`));
    }
    return problems;
  };
}
