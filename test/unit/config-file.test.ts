import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/options.js';
import { DEFAULT_CONFIG, MOCK_OPTIONS, type MockConfig } from '../../src/config/mock-config.js';
import { fileKey } from '../../src/config/option-table.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'customers-mock-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(content: unknown, name = 'customers-mock.config.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function serve(argv: string[] = [], env: NodeJS.ProcessEnv = {}): MockConfig {
  const command = parseCommand(argv, env, dir);
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${command.kind}`);
  return command.config;
}

function usageError(argv: string[]): string {
  try {
    parseCommand(argv, {}, dir);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('the failure simulation and log flags', () => {
  it('are off by default', () => {
    expect(serve()).toMatchObject({ latency: { minMs: 0, maxMs: 0 }, errorRate: 0, log: false });
  });

  it('read a fixed latency, a range, an error rate and --log', () => {
    expect(serve(['--latency', '250', '--error-rate', '0.05', '--log'])).toMatchObject({
      latency: { minMs: 250, maxMs: 250 },
      errorRate: 0.05,
      log: true,
    });
    expect(serve(['--latency', '100-400']).latency).toEqual({ minMs: 100, maxMs: 400 });
  });

  it('explain what they expected', () => {
    expect(usageError(['--latency', '400-100'])).toBe('--latency must be milliseconds (250) or a range MIN-MAX (100-400), at most 60000, got "400-100"');
    expect(usageError(['--error-rate', '5%'])).toBe('--error-rate must be a probability from 0 to 1 (e.g. 0.05), got "5%"');
  });
});

describe('customers-mock.config.json', () => {
  it('is read from the working directory, with paths relative to the file', () => {
    mkdirSync(join(dir, 'data'));
    writeConfig({ port: 5050, count: 20, rateLimit: 0, data: 'data/customers.json', latency: '10-20', errorRate: 0.1, log: true, cors: 'http://localhost:3000' });
    expect(serve()).toMatchObject({
      port: 5050,
      count: 20,
      rateLimit: 0,
      dataFile: join(dir, 'data', 'customers.json'),
      latency: { minMs: 10, maxMs: 20 },
      errorRate: 0.1,
      log: true,
      corsOrigins: ['http://localhost:3000'],
      seed: DEFAULT_CONFIG.seed,
    });
  });

  it('is overridden by flags and by the environment', () => {
    writeConfig({ port: 5050, clientKey: 'from-file', clientSecret: 'from-file', latency: 30 });
    expect(serve(['--port', '6060', '--latency', '0'], { MOCK_CLIENT_SECRET: 'from-env' })).toMatchObject({
      port: 6060,
      clientKey: 'from-file',
      clientSecret: 'from-env',
      latency: { minMs: 0, maxMs: 0 },
    });
  });

  it('can be named with --config, and must then exist', () => {
    writeConfig({ seed: 7 }, 'rehearsal.json');
    expect(serve(['--config', 'rehearsal.json']).seed).toBe(7);
    expect(usageError(['--config', 'missing.json'])).toMatch(/^cannot read config file missing\.json: ENOENT/);
  });

  it('also seeds generate', () => {
    writeConfig({ seed: 9, count: 3 });
    expect(parseCommand(['generate'], {}, dir)).toMatchObject({ kind: 'generate', seed: 9, count: 3 });
  });

  it('says clearly what is wrong with it, naming every form a value may take', () => {
    writeConfig({ port: 70000, prot: 1, errorRate: 'often', log: 'yes' });
    expect(usageError([])).toBe(
      'config file customers-mock.config.json: port must be a whole number from 0 to 65535, got 70000; ' +
        'prot is not an option (did you mean port?); ' +
        'errorRate must be a number from 0 to 1 (e.g. 0.05), got "often"; log must be true or false, got "yes"',
    );
    // The case: "abc" is refused naming both forms, the number and the "MIN-MAX" string.
    writeConfig({ latency: 'abc', frobnicate: true });
    expect(usageError([])).toBe(
      'config file customers-mock.config.json: latency must be a whole number of milliseconds (250) or a string "MIN-MAX" for a uniformly drawn delay ("100-400"), at most 60000, MIN no greater than MAX, got "abc"; ' +
        `frobnicate is not an option (the options are ${MOCK_OPTIONS.map(fileKey).join(', ')})`,
    );
    writeConfig('{ "port": 4010, }');
    expect(usageError([])).toMatch(/^config file customers-mock\.config\.json is not valid JSON: /);
    writeConfig([{ port: 4010 }]);
    expect(usageError([])).toBe('config file customers-mock.config.json: the file must be a JSON object of options, such as { "port": 4010 }');
    writeConfig({ latency: '500-100' });
    expect(usageError([])).toBe(
      'config file customers-mock.config.json: latency must be a whole number of milliseconds (250) or a string "MIN-MAX" for a uniformly drawn delay ("100-400"), at most 60000, MIN no greater than MAX, got "500-100"',
    );
    writeConfig({ cors: 'localhost:3000' });
    expect(usageError([])).toBe(
      'config file customers-mock.config.json: cors must be a string: "*" or comma-separated origins like "http://localhost:3000,https://qa.example" (scheme, host and port only), got "localhost:3000"',
    );
  });

  it('accepts its own $schema reference, so editors can help', () => {
    writeConfig({ $schema: './node_modules/customers-mock/customers-mock.config.schema.json', port: 0 });
    expect(serve().port).toBe(0);
  });

  it('sets the same bounds as the flags', () => {
    expect(usageError(['--port', '65536'])).toBe('--port must be a whole number from 0 to 65535, got "65536"');
    writeConfig({ port: 65536 });
    expect(usageError([])).toBe('config file customers-mock.config.json: port must be a whole number from 0 to 65535, got 65536');
  });
});
