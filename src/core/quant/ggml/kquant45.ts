import { QK_K } from '../../../shared/vocab/ggmlTypes';
/** What Q4_K and Q5_K share: 8 sub-blocks of 32 with 6-bit scales and mins. // ggml: quantize_row_q4_K_ref, q5_K */
import { f32, nearestInt } from './cfloat';
import { readF16, writeF16 } from './fp16';
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
  const s = i * SUB;
  let maxScale = 0;
  let maxMin = 0;
  for (let j = s; j < s + SUB; j++) {
    if (k.scales[j]! > maxScale) maxScale = k.scales[j]!;
    if (k.mins[j]! > maxMin) maxMin = k.mins[j]!;
  }
  const invScale = maxScale > 0 ? f32(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? f32(63 / maxMin) : 0;
  for (let j = 0; j < SUB; j++) {
    // C stores nearest_int into a uint8_t before MIN(63, ...): wrap first, then clamp.
    ls[j] = Math.min(63, nearestInt(f32(invScale * k.scales[s + j]!)) & 0xff);
    lm[j] = Math.min(63, nearestInt(f32(invMin * k.mins[s + j]!)) & 0xff);
  }
  packScaleMinK4(ls, lm, dst, b + SCALES);
  writeF16(dst, b + D, f32(maxScale / 63));
  writeF16(dst, b + DMIN, f32(maxMin / 63));
  const dAll = readF16(dst, b + D);
  const dminAll = readF16(dst, b + DMIN);
  for (let j = 0; j < SUB; j++) {
    const sm = getScaleMinK4(j, dst, b + SCALES);
    k.scales[s + j] = f32(dAll * (sm & 0xff));
    k.mins[s + j] = f32(dminAll * (sm >> 8));
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
