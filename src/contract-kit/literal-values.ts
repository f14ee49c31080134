/**
 * Values that hold a character meaning something to SQL `LIKE`, regular expressions or globs in
 * place of, or around, a character of `word` (at least three letters): read literally, each matches
 * only a text holding it as written, and never `word` itself. `[`, `\`, `(` and `+` build a pattern a
 * regular expression matches `word` by; `%`, `_`, `*` and `.` stand for a letter of it.
 */
export function patternsFor(word: string): { character: string; value: string }[] {
  const [a, b, rest] = [word.slice(0, 1), word.slice(1, 2), word.slice(2)];
  return [
    { character: '%', value: `${a}%${rest}` },
    { character: '_', value: `${a}_${rest}` },
    { character: '*', value: `${a}*${rest}` },
    { character: '.', value: `${a}.${rest}` },
    { character: '[', value: `${a}[${b}]${rest}` },
    { character: '\\', value: `${a}\\${b}${rest}` },
    { character: '(', value: `${a}(${b})${rest}` },
    { character: '+', value: `${a}${b}+${rest}` },
  ];
}

/** The characters the literal probes hold: each means something to SQL `LIKE`, regular expressions or globs. */
export const PATTERN_CHARACTERS = ['%', '_', '*', '.', '[', '\\', '(', '+'] as const;
