/**
 * The known name nearest to a mistyped one, for "did you mean" in the CLIs and the config file.
 * Case, dashes and underscores are ignored (`clientSecret`, `client_secret` and `client-secret` are
 * one name); a typed beginning of a name (`--base` for `--base-url`) counts as nearest.
 */
export function nearestName(typed: string, known: readonly string[]): string | undefined {
  const plainTyped = plain(typed);
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const plainName = plain(name);
    const distance = plainTyped.length >= 2 && plainName.startsWith(plainTyped) ? 0 : editDistance(plainTyped, plainName);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  // Near enough to be a typo: a couple of keystrokes, or a third of a longer name.
  return best !== undefined && best.distance <= Math.max(2, Math.floor(plainTyped.length / 3)) ? best.name : undefined;
}

function plain(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance: insertions, deletions and substitutions, each costing one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
