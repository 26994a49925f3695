/** What the k-quants share besides their fits (SIMD kernels in wasm/): zero threshold, packing. */
import { f32 } from './cfloat';
import { QK_K } from '../../../shared/vocab/ggmlTypes';

/** Groups whose largest |x| is below this are treated as all zero. // ggml-quants.c: GROUP_MAX_EPS 1e-15f */
export const GROUP_MAX_EPS = f32(1e-15);

/** 6-bit scale and min of sub-block j from the 12 packed bytes at q[qo]: scale | min << 8. // ggml: get_scale_min_k4 */
export function getScaleMinK4(j: number, q: Uint8Array, qo: number): number {
  if (j < 4) return (q[qo + j]! & 63) | ((q[qo + j + 4]! & 63) << 8);
  const d = (q[qo + j + 4]! & 0xf) | ((q[qo + j - 4]! >> 6) << 4);
  const m = (q[qo + j + 4]! >> 4) | ((q[qo + j]! >> 6) << 4);
  return d | (m << 8);
}

/** Packs 6-bit scales and mins of 8 sub-blocks into 12 bytes, as Q4_K and Q5_K store them. // ggml: quantize_row_q4_K_ref */
export function packScaleMinK4(ls: Uint8Array, lm: Uint8Array, dst: Uint8Array, o: number): void {
  for (let j = 0; j < 8; j++) {
    if (j < 4) {
      dst[o + j] = ls[j]!;
      dst[o + j + 4] = lm[j]!;
    } else {
      dst[o + j + 4] = (ls[j]! & 0xf) | ((lm[j]! & 0xf) << 4);
      dst[o + j - 4] = dst[o + j - 4]! | ((ls[j]! >> 4) << 6);
      dst[o + j] = dst[o + j]! | ((lm[j]! >> 4) << 6);
    }
  }
}

/** Packs the 256 2-bit levels at L[lo] four to a byte, 32 bytes per 128 values. // ggml: quantize_row_q2_K_ref, q3_K */
export function pack2Bit(L: Uint8Array, lo: number, dst: Uint8Array, o: number): void {
  for (let j = 0; j < QK_K; j += 128) {
    for (let l = lo + j; l < lo + j + 32; l++) {
      dst[o + j / 4 + l - lo - j] = L[l]! | (L[l + 32]! << 2) | (L[l + 64]! << 4) | (L[l + 96]! << 6);
    }
  }
}
