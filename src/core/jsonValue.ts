/** Largest integer CLI.md prints as a JSON number; beyond it 64-bit integers are decimal strings. */
const MAX_EXACT_INTEGER = 2n ** 53n;

/** A value JSON can hold exactly: CLI.md's NaN/Infinity strings, bigints as numbers or strings. */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function jsonNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

export function jsonBigint(x: bigint): number | string {
  return x <= MAX_EXACT_INTEGER && x >= -MAX_EXACT_INTEGER ? Number(x) : x.toString();
}

/**
 * Deepest nesting of a metadata value. Real metadata nests a few levels, while JSON.stringify,
 * structured cloning and toJsonValue all recurse: readers refuse deeper JSON (metadataJson),
 * and toJsonValue replaces deeper values by a note, so no value can overflow whoever prints it.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `value` holds objects or arrays more than `limit` levels deep; a loop, as the value may nest 20,000 levels. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** Any value from a file's metadata, made JSON-safe (CLI.md: JSON never holds NaN or Infinity) and at most MAX_JSON_DEPTH deep. */
export function toJsonValue(value: unknown, depth = 0): JsonValue {
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value === 'bigint') return jsonBigint(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'object' && depth >= MAX_JSON_DEPTH) return `(nested deeper than ${MAX_JSON_DEPTH} levels)`;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, (v) => toJsonValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v, depth + 1);
    return out;
  }
  return String(value);
}

/** JSON text of one value; unlike JSON.stringify it keeps the sign of -0, which torch prints too. */
export function jsonText(value: JsonValue): string {
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}
