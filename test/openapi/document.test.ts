import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lint } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { describeErrors, type Schema } from '../../src/openapi/ajv.js';
import { createAjv } from '../../src/openapi/ajv-compiler.js';
import { loadSpec } from '../../src/openapi/document.js';
import { SPEC_PATH } from '../../src/openapi/document-file.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the OpenAPI document', () => {
  it('validates with swagger-parser', async () => {
    await expect(SwaggerParser.validate(SPEC_PATH)).resolves.toBeTruthy();
  });

  it("lints clean with Redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lint({ ref: SPEC_PATH, config });
    const described = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
    expect(described).toEqual([]);
  });

  it('has every example and examples entry valid against the schema beside it', async () => {
    const { dereferenced } = loadSpec();
    const ajv = createAjv();
    const checked: string[] = [];
    const failures: string[] = [];
    const check = (schema: Schema, value: unknown, where: string) => {
      // Wrapped as a property, as the request validator does, so a parameter's `default` is legal.
      const validate = ajv.compile({ type: 'object', properties: { example: schema }, required: ['example'] });
      checked.push(where);
      if (!validate({ example: structuredClone(value) })) failures.push(`${where}: ${describeErrors(validate.errors ?? [], 'example').join('; ')}`);
    };
    const walk = (node: unknown, where: string) => {
      if (node === null || typeof node !== 'object') return;
      const object = node as Record<string, unknown>;
      const schema = object.schema as Schema | undefined;
      if (schema && typeof schema === 'object') {
        // A parameter, header or media type: its examples are instances of its schema.
        if ('example' in object) check(schema, object.example, `${where}/example`);
        for (const [name, example] of Object.entries((object.examples ?? {}) as Record<string, { value?: unknown }>)) {
          check(schema, example.value, `${where}/examples/${name}`);
        }
      } else if ('example' in object && isSchema(object)) {
        check(object, object.example, `${where}/example`);
      }
      for (const [key, child] of Object.entries(object)) {
        if (key !== 'example' && key !== 'examples') walk(child, `${where}/${key}`);
      }
    };
    walk(dereferenced.paths, '#/paths');
    walk(dereferenced.components, '#/components');
    expect(failures).toEqual([]);
    // Parameters, schemas, request bodies and responses all carry examples; a walk that found few missed them.
    expect(checked.length).toBeGreaterThanOrEqual(20);
    expect(checked.some((w) => w.includes('requestBody'))).toBe(true);
    expect(checked.some((w) => w.includes('responses'))).toBe(true);
    expect(checked.some((w) => w.includes('parameters'))).toBe(true);
  });

  it('is what the modules compiled from it hold: document.generated.ts, contract-facts.generated.ts, validators.generated.ts and documented-validators.generated.ts (npm run openapi:compile)', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'compile-openapi.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });

  it('is what src/openapi/openapi-types.ts was generated from (npm run types:openapi)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'openapi-types-'));
    try {
      const out = join(folder, 'openapi-types.ts');
      const cli = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
      const run = spawnSync(process.execPath, [cli, SPEC_PATH, '-o', out], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const committed = readFileSync(join(ROOT, 'src', 'openapi', 'openapi-types.ts'), 'utf8');
      expect(readFileSync(out, 'utf8'), 'the document changed: run `npm run types:openapi`').toBe(committed);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

function isSchema(object: Record<string, unknown>): boolean {
  return ['type', 'oneOf', 'anyOf', 'allOf', 'enum', 'const', 'properties', 'format', 'pattern'].some((k) => k in object);
}
