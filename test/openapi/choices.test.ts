import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHOICES_TABLE_MARKER, choiceMarks, readChoices, withChoicesTable } from '../../src/openapi/choices.js';
import type { OpenApiDocument } from '../../src/openapi/document.js';
import { SPEC_PATH } from '../../src/openapi/document-file.js';
import { inProcessMock, type InProcessMock } from '../support/mock.js';

const asWritten = (): OpenApiDocument => parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;

describe('the provenance marks (x-choices, x-choice)', () => {
  it('mark every choice beside a rule, and name only entries that exist', () => {
    const document = asWritten();
    const choices = readChoices(document);
    const marked = new Set(choiceMarks(document).map((m) => m.mark));
    expect(choices.length).toBeGreaterThanOrEqual(20);
    expect(choices.map((c) => c.id).filter((id) => !marked.has(id))).toEqual([]);
  });

  it('sit beside the rules they govern', () => {
    const where = new Map<string, string[]>();
    for (const { mark, at } of choiceMarks(asWritten())) where.set(mark, [...(where.get(mark) ?? []), at]);
    expect(where.get('timestamp-keys')).toEqual(['/components/schemas/Customer/properties/createdAt', '/components/schemas/Customer/properties/updatedAt']);
    expect(where.get('envelope-take')).toEqual(['/components/schemas/CustomerList/properties/take']);
    expect(where.get('delete-operation')).toEqual(['/paths/~1api~1v0~1customers~1{id}/delete']);
    expect(where.get('list-order')).toEqual(['/paths/~1api~1v0~1customers/get']);
    expect(where.get('id-versions')).toEqual(['/components/parameters/CustomerId', '/components/schemas/CustomerId']);
  });

  it('refuse a mark that names no entry, an entry marked nowhere, and an entry without its texts', () => {
    const stray = asWritten();
    (stray.components!.schemas!.Customer as Record<string, unknown>)['x-choice'] = 'no-such-choice';
    expect(() => readChoices(stray)).toThrow(/\/components\/schemas\/Customer: x-choice "no-such-choice" names no entry/);

    const unmarked = asWritten() as OpenApiDocument & { 'x-choices': Record<string, unknown> };
    unmarked['x-choices']['never-marked'] = { topic: 't', platform: 'p', document: 'd', why: 'w' };
    expect(() => readChoices(unmarked)).toThrow(/never-marked: marked beside no rule/);

    const textless = asWritten() as OpenApiDocument & { 'x-choices': Record<string, Record<string, unknown>> };
    delete textless['x-choices']['list-order']!.why;
    expect(() => readChoices(textless)).toThrow(/x-choices\.list-order\.why must be a non-empty string/);
  });

  it('generate the choices table in place of the marker, one row per choice', () => {
    const document = asWritten();
    expect(document.info.description!.split(CHOICES_TABLE_MARKER)).toHaveLength(2);
    const description = withChoicesTable(document).info.description!;
    expect(description).not.toContain(CHOICES_TABLE_MARKER);
    const rows = description.split('\n').filter((line) => /^\| .* \(`[a-z0-9-]+`\) \|/.test(line));
    expect(rows.map((row) => /\(`([a-z0-9-]+)`\)/.exec(row)![1])).toEqual(readChoices(document).map((c) => c.id));
    expect(description).toContain('| timestamp key spelling (`timestamp-keys`) |');
    // Texts are put in as they are: a `$'` in a pattern is not a replacement pattern.
    expect(description).toContain("api.yml's pattern `^[+]?[1-9]\\d{1,14}$` makes the `+` optional");
    expect(description.split('## Choices')).toHaveLength(2);
  });
});

describe('the served document', () => {
  let mock: InProcessMock;
  beforeAll(async () => {
    mock = await inProcessMock();
  });

  it('carries the generated table and the marks', async () => {
    const served = (await mock.request('GET', '/openapi.json', { auth: false })).body as OpenApiDocument & { 'x-choices': object };
    expect(served.info.description).toContain('| list order (`list-order`) | No platform source states the order of a list.');
    expect(served.info.description).not.toContain(CHOICES_TABLE_MARKER);
    expect(Object.keys(served['x-choices'])).toEqual(readChoices(asWritten()).map((c) => c.id));
    expect((served.components!.schemas!.CustomerList as { properties: { take: Record<string, unknown> } }).properties.take['x-choice']).toBe('envelope-take');
  });
});

describe('the run-time dereference of a document rewritten for compat options', () => {
  it('resolves the document as written exactly as the build (swagger-parser) does', async () => {
    const { compiledSpec } = await import('../../src/openapi/document.generated.js');
    const { dereference } = await import('../../src/openapi/document.js');
    // Compared as the JSON validators and clients get.
    expect(JSON.parse(JSON.stringify(dereference(compiledSpec.raw)))).toEqual(JSON.parse(JSON.stringify(compiledSpec.dereferenced)));
  });
});
