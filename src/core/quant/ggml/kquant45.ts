import { QK_K } from '../../../shared/vocab/ggmlTypes';
/** What Q4_K and Q5_K share: 8 sub-blocks of 32 with 6-bit scales and mins. // ggml: quantize_row_q4_K_ref, q5_K */
import { f32, nearestInt } from './cfloat';
import { fp32ToFp16, readF16 } from './fp16';
import { f16ToF32 } from '../../numeric/floats';
import { getScaleMinK4, packScaleMinK4 } from './kquantFit';
import type { GgmlKernels } from './wasm/module';

/** fp16 d and dmin, then the 12 packed scale bytes. // ggml-common.h: block_q4_K, block_q5_K */
export const D = 0;
export const DMIN = 2;
export const SCALES = 4;
/** Sub-blocks per super-block. */
const SUB = QK_K / 32;

// Scratch for finishSuperBlock, which is synchronous and never re-entered.
const ls = new Uint8Array(SUB);
const lm = new Uint8Array(SUB);

/**
 * Quantizes the sub-block scales and mins of super-block i of the chunk from their fits: writes d,
 * dmin and the packed 6-bit scales at dst[b], and each sub-block's d and dmin for the levels kernel.
 */
export function scaleSuperBlock(k: GgmlKernels, i: number, dst: Uint8Array, b: number): boolean {
  const { scales, mins } = k;
  const s = i * SUB;
  let maxScale = 0;
  let maxMin = 0;
  for (let j = s; j < s + SUB; j++) {
    if (scales[j]! > maxScale) maxScale = scales[j]!;
    if (mins[j]! > maxMin) maxMin = mins[j]!;
  }
  const invScale = maxScale > 0 ? f32(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? f32(63 / maxMin) : 0;
  for (let j = 0; j < SUB; j++) {
    // C stores nearest_int into a uint8_t before MIN(63, ...): wrap first, then clamp.
    ls[j] = Math.min(63, nearestInt(f32(invScale * scales[s + j]!)) & 0xff);
    lm[j] = Math.min(63, nearestInt(f32(invMin * mins[s + j]!)) & 0xff);
  }
  packScaleMinK4(ls, lm, dst, b + SCALES);
  const d = fp32ToFp16(f32(maxScale / 63));
  const dmin = fp32ToFp16(f32(maxMin / 63));
  dst[b + D] = d & 0xff;
  dst[b + D + 1] = d >>> 8;
  dst[b + DMIN] = dmin & 0xff;
  dst[b + DMIN + 1] = dmin >>> 8;
  // What get_scale_min_k4 reads back from the packed bytes is ls and lm themselves (6 bits each).
  const dAll = f16ToF32(d);
  const dminAll = f16ToF32(dmin);
  for (let j = 0; j < SUB; j++) {
    scales[s + j] = f32(dAll * ls[j]!);
    mins[s + j] = f32(dminAll * lm[j]!);
  }
  return true;
}

/** Scale and min of the sub-blocks `is` and `is + 1` of the block at b into out: d1, m1, d2, m2 (float products). */
export function subBlockPair(src: Uint8Array, b: number, is: number, out: Float32Array): void {
  const d = readF16(src, b + D);
  const min = readF16(src, b + DMIN);
  const a = getScaleMinK4(is, src, b + SCALES);
  const c = getScaleMinK4(is + 1, src, b + SCALES);
  out[0] = d * (a & 0xff);
  out[1] = min * (a >> 8);
  out[2] = d * (c & 0xff);
  out[3] = min * (c >> 8);
}
