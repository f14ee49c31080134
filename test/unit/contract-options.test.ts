import { describe, expect, it } from 'vitest';
import { ContractUsageError, parseContractCommand } from '../../src/cli/contract-options.js';

const FLAGS = ['--base-url', 'http://127.0.0.1:4010/', '--client-key', 'k', '--client-secret', 's'];

describe('customers-contract options', () => {
  it('reads flags, with read-only and the documented limits by default', () => {
    expect(parseContractCommand(FLAGS, {})).toEqual({
      kind: 'run',
      junitFile: undefined,
      driftFile: undefined,
      coverageFile: undefined,
      requireCoverage: false,
      sandbox: false,
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

  it('takes --allow-writes, --sandbox, --junit, --coverage, --require-coverage, --timeout-ms and --max-pages', () => {
    const command = parseContractCommand([...FLAGS, '--allow-writes', '--sandbox', '--junit', 'out.xml', '--coverage', 'rules.json', '--require-coverage', '--timeout-ms', '2500', '--max-pages', '3'], {}, '/ci/job');
    expect(command).toMatchObject({ junitFile: '/ci/job/out.xml', coverageFile: '/ci/job/rules.json', requireCoverage: true, sandbox: true, settings: { allowWrites: true, timeoutMs: 2500, maxPages: 3 } });
  });

  it('resolves --junit from the folder the command was typed in, also under npm run (which moves into the package)', () => {
    expect(parseContractCommand([...FLAGS, '--junit', '../reports/junit.xml'], {}, '/ci/job')).toMatchObject({ junitFile: '/ci/reports/junit.xml' });
    expect(parseContractCommand([...FLAGS, '--junit', '/abs/junit.xml'], {}, '/ci/job')).toMatchObject({ junitFile: '/abs/junit.xml' });
    const npmRun = { INIT_CWD: '/home/qa/project/sub', npm_package_json: '/home/qa/project/package.json' };
    expect(parseContractCommand([...FLAGS, '--junit', 'junit.xml'], npmRun, '/home/qa/project')).toMatchObject({ junitFile: '/home/qa/project/sub/junit.xml' });
    // A command started elsewhere by a process that npm started keeps its own folder.
    expect(parseContractCommand([...FLAGS, '--junit', 'junit.xml'], npmRun, '/tmp/other')).toMatchObject({ junitFile: '/tmp/other/junit.xml' });
  });

  it.each([
    ['--junt', 'unknown option --junt (did you mean --junit?)'],
    ['--base', 'unknown option --base (did you mean --base-url?)'],
    ['--allow-write', 'unknown option --allow-write (did you mean --allow-writes?)'],
    ['--clientSecret=x', 'unknown option --clientSecret (did you mean --client-secret?)'],
    ['-junit', 'unknown option -junit (did you mean --junit?)'],
    ['--frobnicate', 'unknown option --frobnicate'],
  ])('names an unknown flag %s in its own words, with the nearest known one', (flag, message) => {
    expect(() => parseContractCommand([...FLAGS, flag], {})).toThrow(new ContractUsageError(message));
  });

  it('explains a flag without its value instead of repeating the parser', () => {
    expect(() => parseContractCommand([...FLAGS, '--junit'], {})).toThrow(new ContractUsageError('--junit needs a value'));
    expect(() => parseContractCommand(['--junit', ...FLAGS], {})).toThrow(/--junit needs a value \(the next argument is a flag: write --junit=VALUE if the value starts with -\)/);
    expect(() => parseContractCommand([...FLAGS, '--allow-writes=yes'], {})).toThrow(new ContractUsageError('--allow-writes is a switch and takes no value'));
    expect(() => parseContractCommand([...FLAGS, 'extra'], {})).toThrow(new ContractUsageError('unexpected argument "extra"'));
  });

  it('takes the profile, seed, budget, drift file, --exclusive and the clock tolerance', () => {
    const command = parseContractCommand([...FLAGS, '--profile', 'strict', '--seed', '42', '--max-requests', '500', '--drift', 'drift.json', '--exclusive', '--clock-tolerance-ms', '900'], {}, '/ci/job');
    expect(command).toMatchObject({ driftFile: '/ci/job/drift.json', settings: { profile: 'strict', seed: 42, maxRequests: 500, exclusive: true, clockToleranceMs: 900 } });
    expect(parseContractCommand(FLAGS, { CONTRACT_PROFILE: 'strict' })).toMatchObject({ settings: { profile: 'strict' } });
  });

  it.each([
    [[...FLAGS, '--profile', 'everything'], /unknown --profile "everything": use documented or strict/],
    [[...FLAGS, '--seed', '2147483648'], /--seed must be a whole number from 0 to 2147483647/],
    [[...FLAGS, '--max-requests', '3'], /--max-requests 3 is below the 12 requests the first request and one check may need/],
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
