import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/options.js';
import { editDistance, nearestName } from '../../src/config/nearest-name.js';

const FLAGS = ['port', 'host', 'rate-limit', 'client-secret', 'client-key', 'config', 'cors', 'count'];

describe('did you mean', () => {
  it.each([
    ['prot', 'port'],
    ['rate-limt', 'rate-limit'],
    ['ratelimit', 'rate-limit'],
    ['clientSecret', 'client-secret'],
    ['client_key', 'client-key'],
    ['conf', 'config'],
    ['CORS', 'cors'],
  ])('%s -> %s', (typed, nearest) => {
    expect(nearestName(typed, FLAGS)).toBe(nearest);
  });

  it('suggests nothing for a name far from every known one', () => {
    expect(nearestName('frobnicate', FLAGS)).toBeUndefined();
    expect(nearestName('x', FLAGS)).toBeUndefined();
  });

  it('counts edits as Levenshtein does', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('port', 'port')).toBe(0);
  });

  it.each([
    [['--prot', '80'], 'unknown option --prot (did you mean --port?)'],
    [['--rate-limt', '0'], 'unknown option --rate-limt (did you mean --rate-limit?)'],
    [['--clientSecret', 's'], 'unknown option --clientSecret (did you mean --client-secret?)'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--port'], '--port needs a value'],
    [['--log=yes'], '--log is a switch and takes no value'],
  ])("customers-mock %j says it in the tool's own words", (argv, message) => {
    expect(() => parseCommand(argv, {}, '/nonexistent')).toThrow(new UsageError(message));
  });
});
