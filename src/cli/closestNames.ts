/** How many suggestions an unknown name gets. */
const MAX_SUGGESTIONS = 5;

/** The names most like `wanted`: containing it first, then by edit distance (case-insensitive). */
export function closestNames(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const scored = names.map((name) => {
    const n = name.toLowerCase();
    const contains = n.includes(w) || w.includes(n);
    return { name, score: (contains ? 0 : 1_000_000) + editDistance(w, n) };
  });
  scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : 1));
  return scored.slice(0, MAX_SUGGESTIONS).map((s) => s.name);
}

/** Levenshtein distance with two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}
