import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE_NAME } from '../../src/config/config-file.js';
import { MOCK_OPTIONS, mockConfigSchema } from '../../src/config/mock-config.js';
import { fileKey, readConfigObject } from '../../src/config/option-table.js';

const file = { resolvePath: (path: string) => `/config/${path}` };

describe(CONFIG_SCHEMA_FILE_NAME, () => {
  it('is the schema the option table generates (run `npm run config-schema` after changing an option)', async () => {
    await expect(`${JSON.stringify(mockConfigSchema(), null, 2)}\n`).toMatchFileSnapshot(`../../${CONFIG_SCHEMA_FILE_NAME}`);
  });

  it('is valid JSON Schema and accepts every value the reader accepts, so an editor never flags a working file', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(mockConfigSchema());
    for (const entry of MOCK_OPTIONS) {
      const key = fileKey(entry);
      const interesting = fc.oneof(
        fc.jsonValue(),
        fc.integer({ min: -1, max: 70_000 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        fc.constantFrom('*', 'http://localhost:3000', '100-400', '400-100', '250', ' ', 'a.json'),
      );
      fc.assert(
        fc.property(interesting, (value) => {
          const readerAccepts = readsCleanly({ [key]: value });
          if (readerAccepts) expect(validate({ [key]: value }), `${key}: ${JSON.stringify(value)}`).toBe(true);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('rejects what the reader rejects for want of the right type or bounds', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(mockConfigSchema());
    for (const [key, value] of [
      ['port', 65_536],
      ['port', 1.5],
      ['host', ' '],
      ['latency', 60_001],
      ['latency', 'fast'],
      ['errorRate', 1.5],
      ['log', 'yes'],
      ['prot', 1],
    ] as const) {
      expect(readsCleanly({ [key]: value }), key).toBe(false);
      expect(validate({ [key]: value }), key).toBe(false);
    }
  });
});

function readsCleanly(content: unknown): boolean {
  try {
    readConfigObject(MOCK_OPTIONS, content, file);
    return true;
  } catch {
    return false;
  }
}
