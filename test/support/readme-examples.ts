/**
 * README examples as tests, in the manner of Rust's doc-tests: the blocks marked ```sh runnable are
 * run, and the output they show on `#> ` lines is compared with what they print.
 */

export interface RunnableBlock {
  /** 1-based line of the opening fence in the README. */
  readonly line: number;
  readonly segments: readonly ExampleSegment[];
}

/** Commands, and the output they must print (their `#> ` lines; none means no output). */
export interface ExampleSegment {
  /** 1-based README line of the segment's first command. */
  readonly line: number;
  readonly commands: string;
  readonly expected: readonly string[];
}

const OUTPUT_PREFIX = '#> ';
const RUNNABLE_FENCE = /^```sh runnable\s*$/;

/** Every ```sh runnable block of a Markdown text, split into segments at its output lines. */
export function runnableBlocks(markdown: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!RUNNABLE_FENCE.test(lines[i]!)) continue;
    const start = i;
    const body: { text: string; line: number }[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push({ text: lines[i]!, line: i + 1 });
    if (i === lines.length) throw new Error(`README line ${start + 1}: runnable block never closed`);
    blocks.push({ line: start + 1, segments: segmentsOf(body) });
  }
  return blocks;
}

function segmentsOf(body: readonly { text: string; line: number }[]): ExampleSegment[] {
  const segments: ExampleSegment[] = [];
  let commands: { text: string; line: number }[] = [];
  let expected: string[] = [];
  const flush = () => {
    if (commands.length > 0 || expected.length > 0) {
      segments.push({ line: commands[0]?.line ?? 0, commands: commands.map((c) => c.text).join('\n'), expected });
    }
    commands = [];
    expected = [];
  };
  for (const entry of body) {
    if (entry.text.startsWith(OUTPUT_PREFIX) || entry.text === OUTPUT_PREFIX.trimEnd()) {
      expected.push(entry.text.slice(OUTPUT_PREFIX.length));
    } else {
      if (expected.length > 0) flush();
      commands.push(entry);
    }
  }
  flush();
  return segments;
}

/** The placeholders an expected line may use for what changes from run to run. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<uuid>': '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  '<timestamp>': '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})',
  '<number>': '-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?',
  '<...>': '.*?',
};
const PLACEHOLDER = /<uuid>|<timestamp>|<number>|<\.\.\.>/g;

/** Whether a printed line is what the README shows, placeholders standing for their kind of text. */
export function lineMatches(expected: string, actual: string): boolean {
  let pattern = '';
  let last = 0;
  for (const match of expected.matchAll(PLACEHOLDER)) {
    pattern += escapeRegExp(expected.slice(last, match.index)) + PLACEHOLDERS[match[0]]!;
    last = match.index + match[0].length;
  }
  pattern += escapeRegExp(expected.slice(last));
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

/** Where the printed lines differ from the shown ones; empty when they agree. */
export function outputDifferences(expected: readonly string[], actualText: string): string[] {
  const actual = actualText.split('\n').map((l) => l.trimEnd());
  while (actual.length > 0 && actual.at(-1) === '') actual.pop();
  while (actual.length > 0 && actual[0] === '') actual.shift();
  const differences: string[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    if (want === undefined) differences.push(`printed a line the README does not show: ${got}`);
    else if (got === undefined) differences.push(`did not print: ${want}`);
    else if (!lineMatches(want, got)) differences.push(`expected: ${want}\n      got: ${got}`);
  }
  return differences;
}

/** A fenced code block: its language, `key=value` attributes after it, and its text. */
export interface FencedBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly language: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Every fenced block of a Markdown text, e.g. ```ts excerpt=examples/vitest/customers.test.ts. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)(.*)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const attributes = Object.fromEntries([...fence[2]!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    blocks.push({ line: start + 1, language: fence[1]!, attributes, body: body.join('\n') });
  }
  return blocks;
}

/**
 * Where a snippet is not its source file's text: each of its code lines must be a line of the
 * file, in the file's order (lines between them may be left out). Indentation, trailing comments
 * and comment-only lines of the snippet are the page's own, so they are not compared.
 */
export function excerptDifferences(snippet: string, source: string): string[] {
  const code = (line: string) => line.replace(/\s+\/\/ .*$/, '').trim();
  const sourceLines = source.split('\n').map(code);
  let at = 0;
  const differences: string[] = [];
  for (const line of snippet.split('\n').map(code)) {
    if (line === '' || line.startsWith('//')) continue;
    const found = sourceLines.indexOf(line, at);
    if (found === -1) differences.push(`not in the file (after its line ${at}): ${line}`);
    else at = found + 1;
  }
  return differences;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
