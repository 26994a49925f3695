import type { GgmlTypeTraits } from './table';
import { f32, floorLog2f, truncToUint8 } from './cfloat';
import { e8m0ToFp32Half } from './fp16';

/** Values per block. // ggml-common.h: QK_MXFP4 */
const QK_MXFP4 = 32;
/** E8M0 exponent byte + 16 bytes of E2M1 nibbles. // ggml-common.h: block_mxfp4 */
const BLOCK_BYTES = 1 + QK_MXFP4 / 2;
/** E2M1 values doubled, so they are integers; the scale carries the half. // ggml-common.h: kvalues_mxfp4 */
export const KVALUES_MXFP4: readonly number[] = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];

/**
 * First code with the smallest |value * e - x| (ggml: best_index_mxfp4) without trying all 16: code
 * 0 (zero) comes first, so a level of the other sign or code 8 (zero again) is never strictly
 * closer; along one sign's levels, by growing magnitude, the rounded errors fall then rise, so the
 * scan stops at the first error above the best.
 */
export function bestIndexMxfp4(x: number, e: number): number {
  let best = 0;
  let bestErr = Math.abs(x);
  const first = x < 0 ? 9 : 1;
  for (let i = first; i < first + 7; i++) {
    const err = Math.abs(f32(f32(KVALUES_MXFP4[i]! * e) - x));
    if (err < bestErr) {
      best = i;
      bestErr = err;
    } else if (err > bestErr) {
      break;
    }
  }
  return best;
}

export const MXFP4: GgmlTypeTraits = {
  name: 'MXFP4',
  id: 39,
  blockSize: QK_MXFP4,
  typeSize: BLOCK_BYTES,
  // ggml: dequantize_row_mxfp4
  dequantize(src, dst, nBlocks) {
    const half = QK_MXFP4 / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = e8m0ToFp32Half(src[b]!);
      for (let j = 0; j < half; j++) {
        const q = src[b + 1 + j]!;
        dst[i * QK_MXFP4 + j] = KVALUES_MXFP4[q & 0x0f]! * d;
        dst[i * QK_MXFP4 + j + half] = KVALUES_MXFP4[q >> 4]! * d;
      }
    }
  },
  // ggml: quantize_row_mxfp4_ref
  quantize(src, dst) {
    const nb = src.length / QK_MXFP4;
    const half = QK_MXFP4 / 2;
    for (let i = 0; i < nb; i++) {
      const x = i * QK_MXFP4;
      const b = i * BLOCK_BYTES;
      let amax = 0;
      for (let j = 0; j < QK_MXFP4; j++) if (amax < Math.abs(src[x + j]!)) amax = Math.abs(src[x + j]!);
      const e = amax > 0 ? truncToUint8(f32(floorLog2f(amax) - 2 + 127)) : 0;
      const d = e8m0ToFp32Half(e);
      dst[b] = e;
      for (let j = 0; j < half; j++) {
        dst[b + 1 + j] = bestIndexMxfp4(src[x + j]!, d) | (bestIndexMxfp4(src[x + half + j]!, d) << 4);
      }
    }
  },
};
