import { f32 } from './cfloat';

/** The 16 non-linear levels of IQ4_NL and IQ4_XS. // ggml-common.h: kvalues_iq4nl */
export const KVALUES_IQ4NL: readonly number[] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

/**
 * Index of the level nearest to x in the sorted table (ties go up), by comparing 2x with the sum
 * of neighbours so both sides are exact. // ggml: best_index_int8
 */
export function bestIndexInt8(values: readonly number[], x: number): number {
  const x2 = f32(x + x);
  let idx = 0;
  for (let step = values.length >> 1; step > 0; step >>= 1) {
    const j = idx + step;
    if (x2 >= values[j - 1]! + values[j]!) idx = j;
  }
  return idx;
}
