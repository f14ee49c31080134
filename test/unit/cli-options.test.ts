import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/options.js';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';

describe('parseCommand', () => {
  it('serves with the defaults when given nothing', () => {
    expect(parseCommand([], {})).toEqual({ kind: 'serve', config: DEFAULT_CONFIG });
  });

  it('reads every serve option', () => {
    const command = parseCommand(
      ['--port', '0', '--host', '::1', '--seed', '7', '--count', '12', '--data', 'd.json', '--state', 's.json', '--fsync', 'always', '--client-key', 'k', '--client-secret', 's', '--app-id', 'app', '--rate-limit', '0'],
      {},
    );
    expect(command).toEqual({
      kind: 'serve',
      config: {
        ...DEFAULT_CONFIG,
        port: 0,
        host: '::1',
        seed: 7,
        count: 12,
        dataFile: 'd.json',
        stateFile: 's.json',
        fsync: 'always',
        clientKey: 'k',
        clientSecret: 's',
        appId: 'app',
        rateLimit: 0,
      },
    });
  });

  it('takes credentials from the environment, with flags winning', () => {
    const env = { MOCK_CLIENT_KEY: 'env-key', MOCK_CLIENT_SECRET: 'env-secret' };
    expect(parseCommand([], env)).toMatchObject({ config: { clientKey: 'env-key', clientSecret: 'env-secret' } });
    expect(parseCommand(['--client-key', 'flag-key'], env)).toMatchObject({ config: { clientKey: 'flag-key', clientSecret: 'env-secret' } });
  });

  it('parses help, version and generate', () => {
    expect(parseCommand(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['-v'], {})).toEqual({ kind: 'version' });
    expect(parseCommand(['generate', '--seed', '42', '--count', '50', '--out', 'f.json'], {})).toEqual({
      kind: 'generate',
      seed: 42,
      count: 50,
      appId: DEFAULT_CONFIG.appId,
      out: 'f.json',
    });
  });

  it.each([
    [['--port', '65536'], /--port must be a whole number from 0 to 65535, got "65536"/],
    [['--port', '-1'], /--port/],
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '1.5'], /--port must be a whole number/],
    [['--count', '1e3'], /--count must be a whole number/],
    [['--seed', ''], /--seed must be a whole number/],
    [['--rate-limit', '-5'], /--rate-limit/],
    [['--host', ' '], /--host must be non-empty text/],
    [['--config', ''], /--config must not be empty/],
    [['--log=yes'], /--log/],
    [['generate', '--port', '5000'], /--port does not apply to generate/],
    [['--bogus'], /bogus/],
    [['--port'], /port/],
    [['serve-please'], /unexpected argument/],
    [['generate', 'extra'], /unexpected argument/],
    [['--out', 'x.json'], /--out goes with generate/],
    [['--fsync', 'sometimes'], /--fsync must be always or batch, got "sometimes"/],
  ])('%j is a usage error matching %s', (argv, message) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });

  it('rejects an empty credential in the environment rather than accepting an empty secret', () => {
    expect(() => parseCommand([], { MOCK_CLIENT_SECRET: '' })).toThrow(/MOCK_CLIENT_SECRET must be non-empty text, got ""/);
  });
});
