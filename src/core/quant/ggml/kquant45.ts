/** What Q4_K and Q5_K share: 8 sub-blocks of 32 with 6-bit scales and mins. // ggml: quantize_row_q4_K_ref, q5_K */
import { f32, nearestInt } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { getScaleMinK4, makeQkx2Quants, packScaleMinK4, QK_K } from './kquantFit';

/** fp16 d and dmin, then the 12 packed scale bytes. // ggml-common.h: block_q4_K, block_q5_K */
export const D = 0;
export const DMIN = 2;
export const SCALES = 4;
/** Sub-blocks per super-block. */
const SUB = QK_K / 32;

// Scratch for fitSuperBlock, which is synchronous and never re-entered.
const Laux = new Uint8Array(32);
const weights = new Float32Array(32);
const mins = new Float32Array(SUB);
const scales = new Float32Array(SUB);
const ls = new Uint8Array(SUB);
const lm = new Uint8Array(SUB);

export interface KQuant45Params {
  readonly nmax: number;
  readonly rmin: number;
  readonly nstep: number;
}

/** Fits one 256-value super-block: writes d, dmin and scales at `b`, the levels (0..nmax) into L. */
export function fitSuperBlock(src: Float32Array, x: number, dst: Uint8Array, b: number, L: Uint8Array, p: KQuant45Params): void {
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < SUB; j++) {
    let sumX2 = 0;
    for (let l = 0; l < 32; l++) sumX2 = f32(sumX2 + f32(src[x + 32 * j + l]! * src[x + 32 * j + l]!));
    const avX = f32(Math.sqrt(f32(sumX2 / 32)));
    for (let l = 0; l < 32; l++) weights[l] = f32(avX + Math.abs(src[x + 32 * j + l]!));
    scales[j] = makeQkx2Quants(32, p.nmax, src, x + 32 * j, weights, L, 32 * j, mins, j, Laux, p.rmin, f32(0.1), p.nstep, false);
    if (scales[j]! > maxScale) maxScale = scales[j]!;
    if (mins[j]! > maxMin) maxMin = mins[j]!;
  }
  const invScale = maxScale > 0 ? f32(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? f32(63 / maxMin) : 0;
  for (let j = 0; j < SUB; j++) {
    // C stores nearest_int into a uint8_t before MIN(63, ...): wrap first, then clamp.
    ls[j] = Math.min(63, nearestInt(f32(invScale * scales[j]!)) & 0xff);
    lm[j] = Math.min(63, nearestInt(f32(invMin * mins[j]!)) & 0xff);
  }
  packScaleMinK4(ls, lm, dst, b + SCALES);
  writeF16(dst, b + D, f32(maxScale / 63));
  writeF16(dst, b + DMIN, f32(maxMin / 63));
  const dAll = readF16(dst, b + D);
  const dminAll = readF16(dst, b + DMIN);
  for (let j = 0; j < SUB; j++) {
    const sm = getScaleMinK4(j, dst, b + SCALES);
    const d = f32(dAll * (sm & 0xff));
    if (!d) continue;
    const dm = f32(dminAll * (sm >> 8));
    for (let ii = 0; ii < 32; ii++) {
      L[32 * j + ii] = Math.max(0, Math.min(p.nmax, nearestInt(f32(f32(src[x + 32 * j + ii]! + dm) / d))));
    }
  }
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
