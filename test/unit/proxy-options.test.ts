import { describe, expect, it } from 'vitest';
import { parseCommand, PROXY_HELP, UsageError } from '../../src/cli/options.js';

function proxyConfig(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = parseCommand(['proxy', ...argv], env);
  if (command.kind !== 'proxy') throw new Error(`not a proxy command: ${command.kind}`);
  return command.config;
}

describe('customers-mock proxy options', () => {
  it('reads the upstream and takes the defaults for the rest', () => {
    const config = proxyConfig(['--upstream', 'https://staging.example.com/base']);
    expect(config.upstream.href).toBe('https://staging.example.com/base');
    expect(config).toMatchObject({ port: 4011, host: '127.0.0.1', anonymize: false, insecure: false, upstreamTimeoutMs: 30_000 });
    expect(config.reportFile).toBeUndefined();
  });

  it('takes the upstream from PROXY_UPSTREAM, and the flag over it', () => {
    expect(proxyConfig([], { PROXY_UPSTREAM: 'https://a.example.com' }).upstream.host).toBe('a.example.com');
    expect(proxyConfig(['--upstream', 'https://b.example.com'], { PROXY_UPSTREAM: 'https://a.example.com' }).upstream.host).toBe('b.example.com');
  });

  it.each(['http://localhost:4010', 'http://127.0.0.1:4010', 'http://[::1]:4010', 'http://api.localhost'])('accepts plain http on this machine: %s', (upstream) => {
    expect(proxyConfig(['--upstream', upstream]).upstream.protocol).toBe('http:');
  });

  it('accepts plain http to another machine only with --insecure', () => {
    expect(() => proxyConfig(['--upstream', 'http://staging.example.com'])).toThrow(/add --insecure/);
    expect(proxyConfig(['--upstream', 'http://staging.example.com', '--insecure']).insecure).toBe(true);
  });

  it.each([
    [[], /needs --upstream URL/],
    [['--upstream', 'ftp://example.com'], /--upstream must be an http or https URL/],
    [['--upstream', 'https://user:secret@example.com'], /without user, password/],
    [['--upstream', 'https://example.com', '--anonymize'], /--anonymize goes with --record FILE/],
    [['--upstream', 'https://example.com', '--seed', '1'], /unknown option --seed/],
    [['--upstream', 'https://example.com', '--upstream-timeout-ms', '0'], /--upstream-timeout-ms must be a whole number from 1/],
  ])('%j is a usage error matching %s', (argv, message) => {
    expect(() => parseCommand(['proxy', ...argv], {})).toThrow(UsageError);
    expect(() => parseCommand(['proxy', ...argv], {})).toThrow(message);
  });

  it('has its own --help, within 100 columns', () => {
    expect(parseCommand(['proxy', '--help'], {})).toEqual({ kind: 'proxy-help' });
    expect(PROXY_HELP).toMatch(/--upstream URL/);
    for (const line of PROXY_HELP.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});
