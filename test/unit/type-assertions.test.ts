import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The most type assertions (`x as T`, `<T>x`) src/ may hold. An assertion tells the compiler to
 * trust a value it cannot check; values from outside are checked by a guard or a validator
 * instead, and caught errors go through `asError` (src/caught-error.ts).
 */
const LIMIT = 35;

const SRC = join(import.meta.dirname, '..', '..', 'src');

/** Written by generators, not by hand: what they assert is the generator's business. */
function isGenerated(path: string): boolean {
  return path.endsWith('.generated.ts') || path === join('openapi', 'openapi-types.ts');
}

/** `as const` asserts nothing about a value's type: it only narrows a literal. */
function isConstAssertion(node: ts.AsExpression | ts.TypeAssertion): boolean {
  return ts.isTypeReferenceNode(node.type) && ts.isIdentifier(node.type.typeName) && node.type.typeName.text === 'const';
}

/** The type assertions in one source text, each as `line: text`. */
function typeAssertions(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isConstAssertion(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push(`${line}: ${node.getText(source).replace(/\s+/g, ' ').slice(0, 100)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function assertionsBySourceFile(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.ts') && !isGenerated(path)).sort();
  const counts = new Map<string, string[]>();
  for (const path of files) {
    const found = typeAssertions(path, readFileSync(join(SRC, path), 'utf8'));
    if (found.length > 0) counts.set(path, found);
  }
  return counts;
}

describe('type assertions in src/', () => {
  it('counts `as T` and `<T>x`, nested ones each, and leaves out `as const`', () => {
    const text = [
      'const a = x as Customer;',
      'const b = <Customer>x;',
      'const c = x as unknown as Customer;',
      "const d = ['a'] as const;",
      'const e: Customer = x;',
      'const f = x satisfies Customer;',
    ].join('\n');
    expect(typeAssertions('sample.ts', text)).toEqual(['1: x as Customer', '2: <Customer>x', '3: x as unknown as Customer', '3: x as unknown']);
  });

  it(`are at most ${LIMIT}`, () => {
    const counts = assertionsBySourceFile();
    const total = [...counts.values()].reduce((sum, found) => sum + found.length, 0);
    const report = [...counts]
      .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
      .map(([path, found]) => `${String(found.length).padStart(3)}  src/${path}\n${found.map((f) => `       ${f}`).join('\n')}`)
      .join('\n');
    expect(total, `${total} type assertions in src/, at most ${LIMIT} allowed:\n${report}`).toBeLessThanOrEqual(LIMIT);
  });
});
