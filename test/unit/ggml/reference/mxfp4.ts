/** ggml's best_index_mxfp4 as written: the first of the 16 codes with the smallest |value * e - x|. */
import { f32 } from '../../../../src/core/quant/ggml/cfloat';
import { KVALUES_MXFP4 } from '../../../../src/core/quant/ggml/kvalues';

/** First code with the smallest |value * e - x|. // ggml: best_index_mxfp4 */
export function bestIndexMxfp4Reference(x: number, e: number): number {
  let bestIndex = 0;
  let bestErr = Math.abs(f32(f32(KVALUES_MXFP4[0]! * e) - x));
  for (let i = 1; i < 16; i++) {
    const err = Math.abs(f32(f32(KVALUES_MXFP4[i]! * e) - x));
    if (err < bestErr) {
      bestIndex = i;
      bestErr = err;
    }
  }
  return bestIndex;
}
