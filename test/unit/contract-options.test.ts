import { describe, expect, it } from 'vitest';
import { ContractUsageError, parseContractCommand } from '../../src/cli/contract-options.js';

const FLAGS = ['--base-url', 'http://127.0.0.1:4010/', '--client-key', 'k', '--client-secret', 's'];

describe('customers-contract options', () => {
  it('reads flags, with read-only and the documented limits by default', () => {
    expect(parseContractCommand(FLAGS, {})).toEqual({
      kind: 'run',
      junitFile: undefined,
      driftFile: undefined,
      settings: {
        baseUrl: 'http://127.0.0.1:4010',
        clientKey: 'k',
        clientSecret: 's',
        allowWrites: false,
        timeoutMs: 10_000,
        maxPages: 10,
        profile: 'documented',
        seed: expect.any(Number),
        maxRequests: undefined,
        exclusive: false,
        clockToleranceMs: 5_000,
      },
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { CONTRACT_BASE_URL: 'https://staging.example.com', CONTRACT_CLIENT_KEY: 'env-key', CONTRACT_CLIENT_SECRET: 'env-secret' };
    expect(parseContractCommand([], env)).toMatchObject({ settings: { baseUrl: 'https://staging.example.com', clientKey: 'env-key', clientSecret: 'env-secret' } });
    expect(parseContractCommand(['--client-key', 'flag-key'], env)).toMatchObject({ settings: { clientKey: 'flag-key', clientSecret: 'env-secret' } });
  });

  it('takes --allow-writes, --junit, --timeout-ms and --max-pages', () => {
    const command = parseContractCommand([...FLAGS, '--allow-writes', '--junit', 'out.xml', '--timeout-ms', '2500', '--max-pages', '3'], {});
    expect(command).toMatchObject({ junitFile: 'out.xml', settings: { allowWrites: true, timeoutMs: 2500, maxPages: 3 } });
  });

  it('takes the profile, seed, budget, drift file, --exclusive and the clock tolerance', () => {
    const command = parseContractCommand([...FLAGS, '--profile', 'strict', '--seed', '42', '--max-requests', '500', '--drift', 'drift.json', '--exclusive', '--clock-tolerance-ms', '900'], {});
    expect(command).toMatchObject({ driftFile: 'drift.json', settings: { profile: 'strict', seed: 42, maxRequests: 500, exclusive: true, clockToleranceMs: 900 } });
    expect(parseContractCommand(FLAGS, { CONTRACT_PROFILE: 'strict' })).toMatchObject({ settings: { profile: 'strict' } });
  });

  it.each([
    [[...FLAGS, '--profile', 'everything'], /unknown --profile "everything": use documented or strict/],
    [[...FLAGS, '--seed', '2147483648'], /--seed must be a whole number from 0 to 2147483647/],
    [[...FLAGS, '--max-requests', '3'], /--max-requests 3 is below the 11 requests one check may need/],
    [[], /--base-url \(or CONTRACT_BASE_URL\) is required/],
    [['--base-url', 'http://x', '--client-key', 'k'], /--client-secret \(or CONTRACT_CLIENT_SECRET\) is required/],
    [[...FLAGS.slice(2), '--base-url', 'not a url'], /--base-url must be a URL/],
    [[...FLAGS.slice(2), '--base-url', 'ftp://host'], /must be http or https/],
    [[...FLAGS, '--timeout-ms', '0'], /--timeout-ms must be a positive whole number/],
    [[...FLAGS, '--max-pages', '2.5'], /--max-pages must be a positive whole number/],
    [[...FLAGS, '--allow-writes=yes'], /allow-writes/],
    [[...FLAGS, '--unknown'], /unknown/i],
  ])('refuses %j', (argv, message) => {
    expect(() => parseContractCommand(argv, {})).toThrow(ContractUsageError);
    expect(() => parseContractCommand(argv, {})).toThrow(message);
  });

  it('answers --help without needing anything else', () => {
    expect(parseContractCommand(['--help'], {})).toEqual({ kind: 'help' });
  });
});
