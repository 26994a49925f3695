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

/** Any value from a file's metadata, made JSON-safe (CLI.md: JSON never holds NaN or Infinity). */
export function toJsonValue(value: unknown): JsonValue {
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value === 'bigint') return jsonBigint(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, toJsonValue);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v);
    return out;
  }
  return String(value);
}

/** JSON text of one value; unlike JSON.stringify it keeps the sign of -0, which torch prints too. */
export function jsonText(value: JsonValue): string {
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}
