import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { documentAsWritten } from '../../src/openapi/index.js';
import { rulesOf } from '../../src/openapi/rules.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the checks live: the suite, the kit that runs it, and the judge every response passes. */
const CHECK_FOLDERS = ['contract-tests', 'src/contract-kit', 'src/judge'];

/** Every quoted string in the checks' sources that is written like a rule id (`list.take.bounds`). */
function namedRuleIds(): Map<string, string[]> {
  const named = new Map<string, string[]>();
  for (const folder of CHECK_FOLDERS) {
    for (const file of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(ROOT, folder, file), 'utf8');
      for (const [, id] of source.matchAll(/'([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)'/g)) named.set(id!, [...(named.get(id!) ?? []), `${folder}/${file}`]);
    }
  }
  return named;
}

describe('the rules of the document and the checks of the kit', () => {
  const rules = rulesOf(documentAsWritten());
  const named = namedRuleIds();

  it('every rule in the document is named by a check', () => {
    expect(rules.filter((r) => !named.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('every rule id a check names is a rule of the document', () => {
    const families = new Set(rules.map((r) => r.id.split('.')[0]));
    const unknown = [...named].filter(([id]) => families.has(id.split('.')[0]) && !rules.some((r) => r.id === id));
    expect(unknown.map(([id, files]) => `${id} (${files.join(', ')})`)).toEqual([]);
  });
});
