import type { DType } from '../shared/vocab/dtypes';
import type { Values } from '../core/tensor';
import { jsonBigint, jsonNumber } from '../core/jsonValue';

/** Significant digits that always round-trip a float32. */
const FLOAT32_MAX_DIGITS = 9;

/** The shortest decimal that reads back as the same float32, as numpy and torch print float32. */
export function float32Text(x: number): string {
  if (!Number.isFinite(x)) return String(jsonNumber(x));
  for (let p = 1; p < FLOAT32_MAX_DIGITS; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(Number(x.toPrecision(FLOAT32_MAX_DIGITS)));
}

/** Values as CLI.md's JSON holds them: exact numbers, NaN/Infinity strings, bigints beyond 2^53 as strings, BOOL as booleans. */
export function valuesJson(values: Values, dtype: DType): (number | string | boolean)[] {
  if (dtype === 'BOOL') return Array.from(values as ArrayLike<number>, (v) => v !== 0);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Array.from(values, jsonBigint);
  return Array.from(values as ArrayLike<number>, jsonNumber);
}

/** Values as a person reads them: float32 storage in its shortest form, everything else exact. */
export function valuesText(values: Values, dtype: DType): string[] {
  if (dtype === 'BOOL') return Array.from(values as ArrayLike<number>, (v) => String(v !== 0));
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Array.from(values, (v) => v.toString());
  if (values instanceof Float32Array) return Array.from(values, float32Text);
  return Array.from(values as ArrayLike<number>, (v) => String(jsonNumber(v)));
}
