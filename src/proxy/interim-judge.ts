import { observe } from '../contract-kit/drift.js';
import { specModelFor } from '../contract-kit/profile.js';
import { readProvenance } from '../contract-kit/provenance.js';
import { documentAsWritten, getSpecModel, readCompatOptions, type CompatOption, type SpecModel } from '../openapi/index.js';
import type { Judge, ObservedExchange, Verdict } from './judge.js';

/**
 * INTERIM: the judge the proxy uses until the contract kit's single-exchange judge (rules as data,
 * issue 24) is merged; it is then replaced by that one. It writes no rule of its own: it asks the
 * document's request and response validators, the ones the mock and the kit use. A response the
 * documented profile rejects broke a documented rule; one only the whole document rejects departs
 * at a choice, named by the compat option under which the document accepts it.
 */
export async function documentValidatorsJudge(): Promise<Judge> {
  const strict = await getSpecModel();
  const documented = specModelFor('documented', strict);
  const provenance = readProvenance(strict.spec.raw);
  const variants = readCompatOptions(documentAsWritten()).flatMap((option) =>
    Object.keys(option.rewrites).map((value) => ({ option, value, model: undefined as Promise<SpecModel> | undefined })),
  );

  /** The compat option and value under which the document accepts the response, if one does. */
  async function compatAccepting(exchange: ObservedExchange): Promise<{ option: CompatOption; value: string } | undefined> {
    for (const variant of variants) {
      variant.model ??= getSpecModel({ [variant.option.option]: variant.value });
      const model = await variant.model;
      if (!model.operations.some((op) => op.operationId === exchange.operationId)) continue;
      if (model.responseValidator(exchange.operationId)(asValidated(exchange)).length === 0) return variant;
    }
    return undefined;
  }

  return async (exchange) => {
    const { operationId } = exchange;
    const status = exchange.response.status;
    const verdict = (side: Verdict['side'], provenanceOf: Verdict['provenance'], rule: string, message: string): Verdict => ({ rule, provenance: provenanceOf, side, operationId, status, message });
    const verdicts: Verdict[] = [];
    const requestProblems = (model: SpecModel) => requestDeviations(model, exchange);
    const strictRequest = requestProblems(strict);
    if (strictRequest.length > 0) {
      const documentedRequest = requestProblems(documented);
      for (const message of documentedRequest) verdicts.push(verdict('request', 'documented', `${operationId}.request`, message));
      if (documentedRequest.length === 0) verdicts.push(verdict('request', 'choice', `${operationId}.request`, strictRequest.join('; ')));
    }
    // The whole document first: a conforming response (the usual case) is validated once.
    const strictResponse = strict.responseValidator(operationId)(asValidated(exchange));
    const documentedResponse = strictResponse.length === 0 ? [] : documented.responseValidator(operationId)(asValidated(exchange));
    for (const message of documentedResponse) verdicts.push(verdict('response', 'documented', `${operationId}.response`, message));
    if (documentedResponse.length === 0) {
      if (strictResponse.length > 0) {
        const accepting = await compatAccepting(exchange);
        const choice = accepting ? provenance.choices.get(accepting.option.choice) : undefined;
        if (accepting && choice) {
          const observation = observe(choice, { observed: accepting.value, expected: accepting.option.default, asDocument: false, detail: `${exchange.request.method} ${exchange.request.path} answered ${status}: ${strictResponse.join('; ')}` });
          verdicts.push({ ...verdict('response', 'choice', choice.id, strictResponse.join('; ')), observation });
        } else {
          verdicts.push(verdict('response', 'choice', `${operationId}.response`, strictResponse.join('; ')));
        }
      }
    }
    return verdicts;
  };
}

function asValidated(exchange: ObservedExchange) {
  const { response } = exchange;
  return { status: response.status, contentType: response.headers.get('content-type'), body: response.body, bodyIsJson: response.bodyIsJson };
}

function requestDeviations(model: SpecModel, exchange: ObservedExchange): string[] {
  const validator = model.requestValidator(exchange.operationId);
  const { request } = exchange;
  const query = new Map<string, string[]>();
  for (const [name, value] of request.query) query.set(name, [...(query.get(name) ?? []), value]);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
  const parameters = validator.parameters({ query, path: request.params, headers });
  const problems = parameters.ok ? [] : parameters.messages;
  if (validator.body && (request.body !== undefined || validator.operation.requestBodyRequired)) {
    const checked = request.bodyIsJson ? validator.body(request.body) : ({ ok: false, messages: ['body must be valid JSON'] } as const);
    if (!checked.ok) problems.push(...checked.messages);
  }
  return problems;
}
