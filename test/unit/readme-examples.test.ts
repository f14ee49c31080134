import { describe, expect, it } from 'vitest';
import { excerptDifferences, fencedBlocks, lineMatches, outputDifferences, runnableBlocks } from '../support/readme-examples.js';

describe('README doc-test: reading the examples', () => {
  it('takes only ```sh runnable blocks, split into commands and the output shown after them', () => {
    const markdown = [
      'text',
      '```sh',
      'npm start',
      '```',
      '```sh runnable',
      "KEY='k'",
      'curl -s a',
      '#> {"a":1}',
      'curl -s b > /dev/null',
      'curl -s c',
      '#> line one',
      '#> ',
      '#> line three',
      'true',
      '```',
    ].join('\n');
    expect(runnableBlocks(markdown)).toEqual([
      {
        line: 5,
        segments: [
          { line: 6, commands: "KEY='k'\ncurl -s a", expected: ['{"a":1}'] },
          { line: 9, commands: 'curl -s b > /dev/null\ncurl -s c', expected: ['line one', '', 'line three'] },
          { line: 14, commands: 'true', expected: [] },
        ],
      },
    ]);
  });

  it('refuses a runnable block that is never closed', () => {
    expect(() => runnableBlocks('```sh runnable\ncurl -s a\n')).toThrow(/line 1: runnable block never closed/);
  });
});

describe('README doc-test: comparing output', () => {
  it.each([
    ['{"id":"<uuid>"}', '{"id":"906fe73e-876f-4d60-84db-2f5f263fc81e"}', true],
    ['{"id":"<uuid>"}', '{"id":"906fe73e"}', false],
    ['"time":"<timestamp>"', '"time":"2026-11-26T14:04:38.714Z"', true],
    ['"time":"<timestamp>"', '"time":"yesterday"', false],
    ['"durationMs":<number>}', '"durationMs":1.42}', true],
    ['"durationMs":<number>}', '"durationMs":"1.42"}', false],
    ['{"data":[<...>],"total":2}', '{"data":[{"a":1},{"b":2}],"total":2}', true],
    ['{"data":[<...>],"total":2}', '{"data":[],"total":3}', false],
    // Everything else is literal, regex characters included.
    ['take must be (1-100)?', 'take must be (1-100)?', true],
    ['a.c', 'abc', false],
  ])('%s against %s: %s', (expected, actual, matches) => {
    expect(lineMatches(expected, actual)).toBe(matches);
  });

  it('reports a drifted line, a missing line and an extra line, and ignores trailing blanks', () => {
    expect(outputDifferences(['{"customers":500}'], '{"customers":500}\n\n')).toEqual([]);
    expect(outputDifferences(['{"customers":500}'], '{"customers":50}')).toEqual(['expected: {"customers":500}\n      got: {"customers":50}']);
    expect(outputDifferences(['one', 'two'], 'one')).toEqual(['did not print: two']);
    expect(outputDifferences([], 'surprise')).toEqual(['printed a line the README does not show: surprise']);
  });
});

describe('docs doc-test: snippets cut from files', () => {
  it('reads each fenced block with its language and key=value attributes', () => {
    const markdown = ['text', '```ts excerpt=examples/a.test.ts', "import { it } from 'vitest';", '```', '```sh', 'npm start', '```'].join('\n');
    expect(fencedBlocks(markdown)).toEqual([
      { line: 2, language: 'ts', attributes: { excerpt: 'examples/a.test.ts' }, body: "import { it } from 'vitest';" },
      { line: 5, language: 'sh', attributes: {}, body: 'npm start' },
    ]);
  });

  it('accepts the file\'s lines in its order, some left out, whatever their indentation, trailing comments and comment lines', () => {
    const source = ['import { a } from "a";', 'import { b } from "b";', '', 'function f() {', '  return a(b);', '}'].join('\n');
    expect(excerptDifferences(['import { a } from "a";', '// the rest', 'return a(b);   // the call'].join('\n'), source)).toEqual([]);
  });

  it('names a line the file lacks, and a line out of the file\'s order', () => {
    const source = ['one();', 'two();'].join('\n');
    expect(excerptDifferences('three();', source)).toEqual(['not in the file (after its line 0): three();']);
    expect(excerptDifferences(['two();', 'one();'].join('\n'), source)).toEqual(['not in the file (after its line 2): one();']);
  });
});
