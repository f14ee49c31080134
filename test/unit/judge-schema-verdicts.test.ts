import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../../src/json-object.js';
import { createJudge, documentedOnly, withoutSchemaChoices } from '../../src/judge/index.js';
import { getSpecModel, type OpenApiDocument } from '../../src/openapi/index.js';
import { brokenExchanges, brokenWrites, EXCHANGE_NOW_MS } from '../support/judged-exchanges.js';

const whole = await getSpecModel();
const documented = documentedOnly(whole);
const judge = createJudge(whole, { now: () => EXCHANGE_NOW_MS });
const SCHEMA_RULES = ['response.schema', 'response.closed-schema'];

/**
 * The rule the judge's schema verdicts follow, stated with the two documents: what the document
 * without its choices refuses (or a `statusCode` other than the status) breaks the documented
 * `response.schema`; what only the whole document refuses departs from a choice
 * (`response.closed-schema`).
 */
function schemaVerdicts(operationId: string, response: { status: number; headers: Headers; body: unknown; bodyIsJson: boolean }): Array<[string, string]> {
  const operation = whole.operation(operationId);
  const declared = operation.responses[String(response.status)] ?? operation.responses[`${String(response.status)[0]}XX`];
  if (!declared) return [];
  const observed = () => ({ status: response.status, contentType: response.headers.get('content-type'), body: structuredClone(response.body), bodyIsJson: response.bodyIsJson });
  const statusCode = isJsonObject(response.body) ? response.body.statusCode : undefined;
  const mismatch = response.status >= 400 && response.bodyIsJson && statusCode !== undefined && statusCode !== response.status ? [`response body statusCode is ${JSON.stringify(statusCode)}, but the status is ${response.status}`] : [];
  const breaking = [...documented.responseValidator(operationId)(observed()), ...mismatch];
  const departing = whole.responseValidator(operationId)(observed()).filter((problem) => !breaking.includes(problem));
  return [...breaking.map((m): [string, string] => ['response.schema', m]), ...departing.map((m): [string, string] => ['response.closed-schema', m])];
}

const REQUEST_BODY_RULES = ['request.validation', 'create.unknown-field', 'update.unknown-field', 'update.reason'];

/**
 * The same rule for a write's body: what the document without its choices refuses is the client's
 * `request.validation`; what only the whole document refuses is a choice: an unknown field
 * (unknown-body-fields) or, in an update, `reason`'s own rules (update-body).
 */
function requestBodyVerdicts(operationId: string, sent: string): Array<[string, string]> {
  let value: unknown;
  try {
    value = JSON.parse(sent);
  } catch {
    return [['request.validation', 'the request body is not JSON']];
  }
  const checked = documented.requestValidator(operationId).body!(value);
  if (!checked.ok) return checked.messages.map((m) => ['request.validation', m]);
  const strictly = whole.requestValidator(operationId).body!(value);
  if (strictly.ok) return [];
  const unknownFields = strictly.messages.filter((m) => m.endsWith('should not exist'));
  if (operationId === 'createCustomer') return unknownFields.map((m) => ['create.unknown-field', m]);
  return [...unknownFields.map((m): [string, string] => ['update.unknown-field', m]), ...strictly.messages.filter((m) => !unknownFields.includes(m)).map((m): [string, string] => ['update.reason', m])];
}

describe("the judge's schema verdicts", () => {
  it('name a documented rule for what the document without its choices refuses, and a choice for what only the whole document refuses', () => {
    let [conforming, breaking, departingOnly] = [0, 0, 0];
    fc.assert(
      fc.property(brokenExchanges(whole.spec.raw), ({ request, response }) => {
        const judgement = judge.judge(request, response);
        const expected = schemaVerdicts(judgement.operationId!, response);
        expect(judgement.verdicts.filter((v) => SCHEMA_RULES.includes(v.rule)).map((v) => [v.rule, v.message])).toEqual(expected);
        if (expected.length === 0) conforming++;
        else if (expected.some(([rule]) => rule === 'response.schema')) breaking++;
        else departingOnly++;
      }),
      { numRuns: 3000 },
    );
    // The generator reaches each kind of answer (about 32%, 65% and 3% of them: departures at a
    // choice alone are the rarest), or the property says little.
    expect(Math.min(conforming, breaking, departingOnly)).toBeGreaterThan(40);
  });

  it("name the client's request.validation for a write's body the document without its choices refuses, and a choice for what only the whole document refuses", () => {
    let [accepted, refused, departingOnly] = [0, 0, 0];
    fc.assert(
      fc.property(brokenWrites(whole.spec.raw), ({ request, response }) => {
        const judgement = judge.judge(request, response);
        const expected = requestBodyVerdicts(judgement.operationId!, request.body!);
        expect(judgement.verdicts.filter((v) => REQUEST_BODY_RULES.includes(v.rule)).map((v) => [v.rule, v.message])).toEqual(expected);
        if (expected.length === 0) accepted++;
        else if (expected.some(([rule]) => rule === 'request.validation')) refused++;
        else departingOnly++;
      }),
      { numRuns: 2000 },
    );
    // About 32% accepted, 60% refused, 7% departing at a choice alone.
    expect(Math.min(accepted, refused, departingOnly)).toBeGreaterThan(40);
  });

  it('rest on the document without its choices being wider: no schema a choice relaxes is a branch of a oneOf, or under not or if', () => {
    // Relaxing a oneOf branch can make two branches match, and relaxing under `not` or `if` can
    // refuse more: then a body the whole document accepts could break a documented rule, and the
    // judge, which checks the documented rules only for a body the whole document refuses, would miss it.
    const raw = whole.spec.raw;
    const relaxed = withoutSchemaChoices(raw);
    const schemas = raw.components?.schemas ?? {};
    const changed = new Set(Object.keys(schemas).filter((name) => JSON.stringify(schemas[name]) !== JSON.stringify(relaxed.components?.schemas?.[name])));
    expect(changed.size).toBeGreaterThan(0);
    const reaching = (node: unknown, seen = new Set<string>()): string[] => {
      if (typeof node !== 'object' || node === null) return [];
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
        const name = ref.slice('#/components/schemas/'.length);
        if (seen.has(name)) return [];
        seen.add(name);
        return [name, ...reaching(schemas[name], seen)];
      }
      return Object.values(node).flatMap((child) => reaching(child, seen));
    };
    const underNarrowing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, child] of Object.entries(node)) {
        if (['oneOf', 'not', 'if'].includes(key)) {
          for (const name of reaching(child)) if (changed.has(name)) underNarrowing.push(`${path}/${key} reaches ${name}`);
          if (JSON.stringify(child).includes('"x-choice"')) underNarrowing.push(`${path}/${key} holds a choice`);
        }
        walk(child, `${path}/${key}`);
      }
    };
    walk(raw satisfies OpenApiDocument, '#');
    expect(underNarrowing).toEqual([]);
  });
});
