import { UsageError } from '../errors';

/** Names suggested when a tensor is not found: enough to spot a typo, few enough for one line. */
const SUGGESTIONS = 3;

/** The tensor called `name`, or a UsageError that suggests the closest names. */
export function findTensor<T extends { readonly name: string }>(tensors: readonly T[], name: string, file: string): T {
  const found = tensors.find((t) => t.name === name);
  if (found) return found;
  const closest = tensors
    .map((t) => ({ name: t.name, distance: editDistance(t.name, name) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, SUGGESTIONS)
    .map((t) => t.name);
  const hint = closest.length > 0 ? `; closest: ${closest.join(', ')}` : '';
  throw new UsageError(`${file}: no tensor named '${name}'${hint}`);
}

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
