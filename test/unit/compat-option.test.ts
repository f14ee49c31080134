import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/options.js';
import { DRIFT_REPORT_FORMAT } from '../../src/config/compat-option.js';
import { applyCompat } from '../../src/openapi/compat.js';
import { documentAsWritten, readCompatOptions } from '../../src/openapi/index.js';

const folder = mkdtempSync(join(tmpdir(), 'compat-option-'));
let files = 0;
function file(content: unknown): string {
  const path = join(folder, `f${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const compatOf = (argv: string[], cwd?: string) => {
  const command = parseCommand(argv, {}, cwd);
  if (command.kind !== 'serve') throw new Error(`not a serve command: ${command.kind}`);
  return command.config.compat;
};

/** A drift report as the contract kit writes it (`--drift FILE`). */
const driftReport = (observations: unknown[]) => ({ format: DRIFT_REPORT_FORMAT, profile: 'documented', baseUrl: 'https://staging.example', observations });

describe('--compat', () => {
  it('is off by default', () => {
    expect(compatOf([])).toEqual({});
  });

  it('takes KEY=VALUE, repeated, the later winning for the same key', () => {
    expect(compatOf(['--compat', 'timestamps=snake_case', '--compat', 'order=oldest-first', '--compat', 'order=newest-first'])).toEqual({
      timestamps: 'snake_case',
      order: 'newest-first',
    });
  });

  it('takes every key and value of the document, and only those', () => {
    const options = readCompatOptions(documentAsWritten());
    expect(options.map((o) => o.option).sort()).toEqual(['delete', 'idempotency', 'ids', 'names', 'order', 'take', 'timestamps', 'unknown-fields']);
    for (const option of options) for (const value of Object.keys(option.values)) expect(compatOf(['--compat', `${option.option}=${value}`])).toEqual({ [option.option]: value });
  });

  it.each(['colour=blue', 'timestamps=kebab', 'timestamps', '=snake_case'])('refuses %j, naming every valid key and value', (text) => {
    expect(() => parseCommand(['--compat', text], {})).toThrow(UsageError);
    expect(() => parseCommand(['--compat', text], {})).toThrow(/timestamps=camelCase\|snake_case, ids=any\|v4, .*order=newest-first\|oldest-first/);
  });

  it("applies exactly the compat pairs of a drift report's observations", () => {
    const report = file(
      driftReport([
        { choice: 'timestamp-keys', topic: 'timestamp key spelling', document: 'camelCase', observed: 'snake_case', compat: { option: 'timestamps', value: 'snake_case' }, detail: '...' },
        { choice: 'list-order', topic: 'list order', document: 'newest-first', observed: 'unordered', detail: 'no compat value fits' },
        { choice: 'delete-operation', topic: 'the delete operation', document: 'supported', observed: 'absent', compat: { option: 'delete', value: 'absent' }, detail: '...' },
      ]),
    );
    expect(compatOf(['--compat', report])).toEqual({ timestamps: 'snake_case', delete: 'absent' });
    expect(compatOf(['--compat', report, '--compat', 'delete=supported'])).toEqual({ timestamps: 'snake_case', delete: 'supported' });
  });

  it.each([
    ['a missing file', join(folder, 'absent.json'), /or the path of a drift report/],
    ['not JSON', () => file('{'), /cannot read a drift report/],
    ['another format', () => file({ format: 'something/1', observations: [] }), /not a drift report/],
    ['an unknown option', () => file(driftReport([{ compat: { option: 'colour', value: 'blue' } }])), /unknown compat option "colour"; the options are timestamps=/],
    ['two values for one option', () => file(driftReport([{ compat: { option: 'ids', value: 'v4' } }, { compat: { option: 'ids', value: 'any' } }])), /ids is observed as both v4 and any/],
  ])('refuses a drift report that is %s', (_what, path, message) => {
    const argv = ['--compat', typeof path === 'string' ? path : path()];
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });

  it('is read from the config file as an object, and the flag wins over it', () => {
    const dir = mkdtempSync(join(folder, 'cfg-'));
    writeFileSync(join(dir, 'customers-mock.config.json'), JSON.stringify({ compat: { names: 'either', take: 'requested' } }));
    expect(compatOf([], dir)).toEqual({ names: 'either', take: 'requested' });
    expect(compatOf(['--compat', 'ids=v4'], dir)).toEqual({ ids: 'v4' });
    writeFileSync(join(dir, 'customers-mock.config.json'), JSON.stringify({ compat: { names: 'fuzzy' } }));
    expect(() => compatOf([], dir)).toThrow(/compat must be an object of compat options.*names=first-last\|either/);
  });
});

describe('applyCompat', () => {
  it('leaves the document as written untouched, whether it rewrites it or only records the defaults', () => {
    const before = structuredClone(documentAsWritten());
    const options = readCompatOptions(documentAsWritten());
    const defaults = applyCompat(documentAsWritten(), new Map());
    const offDefault = applyCompat(documentAsWritten(), new Map(options.map((o) => [o.option, Object.keys(o.values).find((v) => v !== o.default)!])));
    expect(documentAsWritten()).toEqual(before);
    for (const [document, inForce] of [
      [defaults, (o: (typeof options)[number]) => o.default],
      [offDefault, (o: (typeof options)[number]) => Object.keys(o.values).find((v) => v !== o.default)],
    ] as const) {
      const choices = (document as unknown as { 'x-choices': Record<string, { compat: Record<string, unknown> }> })['x-choices'];
      for (const option of options) {
        expect(choices[option.choice]!.compat.inForce).toBe(inForce(option));
        expect(choices[option.choice]!.compat).not.toHaveProperty('rewrites');
      }
    }
  });
});

describe("the manual's table of compat options", () => {
  it('lists exactly the keys and values of the document, the default first', () => {
    const readme = readFileSync(new URL('../../docs/integrators/server.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| ((?:`[A-Za-z0-9_-]+`(?:, )?)+) \|/gm)].map(([, key, values]) => [key, values!.replace(/`/g, '').split(', ')]);
    const documented = readCompatOptions(documentAsWritten()).map((o) => [o.option, [o.default, ...Object.keys(o.values).filter((v) => v !== o.default)]]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(documented));
  });
});
