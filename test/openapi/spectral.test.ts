import { readFileSync } from 'node:fs';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SPEC_PATH } from '../../src/openapi/document-file.js';
import { loadSpec } from '../../src/openapi/index.js';

// Both packages ship CommonJS: under NodeNext their named exports arrive on the default export.
const { Spectral, Document } = spectralCore;

/** Every problem Spectral's `spectral:oas` ruleset finds, errors and warnings alike. */
async function lint(text: string, source: string): Promise<string[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as never, 'recommended']] });
  const results = await spectral.run(new Document(text, spectralParsers.Yaml, source));
  const severity = ['error', 'warning', 'info', 'hint'];
  return results.filter((r) => Number(r.severity) <= 1).map((r) => `${severity[r.severity]} ${String(r.code)}: ${r.message} at ${r.path.join('.')}`);
}

/** A second, independent linter beside Redocly (document.test.ts): 0 errors and 0 warnings. */
describe("the OpenAPI document under Spectral's spectral:oas ruleset", () => {
  it('as written: no error, no warning', async () => {
    expect(await lint(readFileSync(SPEC_PATH, 'utf8'), SPEC_PATH)).toEqual([]);
  });

  it('does report what it finds: a document without a contact and an operation without a description', async () => {
    const text = readFileSync(SPEC_PATH, 'utf8').replace(/\n {2}contact:\n(?: {4}.*\n)+/, '\n').replace(/\n {6}description: The customer with this id;.*\n/, '\n');
    expect(await lint(text, SPEC_PATH)).toEqual([
      'warning info-contact: Info object must have "contact" object. at info',
      'warning operation-description: Operation "description" must be present and non-empty string. at paths./api/v0/customers/{id}.get',
    ]);
  });

  it('as served with every compat option off its default: no error, no warning', async () => {
    const { raw } = loadSpec({ timestamps: 'snake_case', take: 'requested', delete: 'absent', names: 'either', ids: 'v4', 'unknown-fields': 'ignore', idempotency: 'required-on-post', order: 'oldest-first' });
    expect(await lint(stringify(raw), 'served.yaml')).toEqual([]);
  });
});
