import type { Values } from '../../../src/core/tensor';

/** A decoded value as CLI.md prints it: NaN/Infinity as strings, big 64-bit ints as strings, booleans as booleans. */
export type JsonValue = number | string | boolean;

export function jsonValues(values: Values, dtype: string): JsonValue[] {
  return Array.from(values as ArrayLike<number | bigint>, (v) => {
    if (dtype === 'BOOL') return v !== 0;
    if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return v;
  });
}
