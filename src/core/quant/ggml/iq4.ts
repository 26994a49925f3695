import type { GgmlTypeTraits } from './table';
import { f32, nearestInt } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { readU16, writeU16 } from './bytes';
import { GROUP_MAX_EPS, QK_K } from './kquantFit';

/** The 16 non-linear levels of IQ4_NL and IQ4_XS. // ggml-common.h: kvalues_iq4nl */
export const KVALUES_IQ4NL: readonly number[] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];
/** Values per IQ4_NL block. // ggml-common.h: QK4_NL */
const QK4_NL = 32;
/** fp16 d + 16 bytes of nibbles. // ggml-common.h: block_iq4_nl */
const NL_BYTES = 2 + QK4_NL / 2;
/** fp16 d, u16 scales_h, scales_l[4], qs[128]. // ggml-common.h: block_iq4_xs */
const XS_SCALES_H = 2;
const XS_SCALES_L = 4;
const XS_QS = 8;
const XS_BYTES = 136;
/** Extra inverse scales tried on each side: none for IQ4_NL's reference, 7 for IQ4_XS. // ggml: quantize_row_iq4_nl_ref, quantize_iq4_xs */
const NTRY_NL = -1;
const NTRY_XS = 7;

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

// Scratch for quantizeIq4Block, which is synchronous and never re-entered.
const weight = new Float32Array(32);
const scales = new Float32Array(QK_K / 32);
const L = new Uint8Array(QK_K);

/**
 * One block at dst[b] of `size` values (32: an IQ4_NL block, 256: an IQ4_XS block) in sub-blocks
 * of 32, without importance weights: d, the nibbles and, for IQ4_XS, the 6-bit sub-block scales.
 * // ggml: quantize_row_iq4_nl_impl (nvalues = 16, no qh)
 */
function quantizeIq4Block(src: Float32Array, x: number, size: number, dst: Uint8Array, b: number, ntry: number): void {
  const values = KVALUES_IQ4NL;
  const nSub = size / 32;
  const dh = b;
  const q4 = b + (nSub > 1 ? XS_QS : 2);
  let sigma2 = 0;
  for (let j = 0; j < size; j++) sigma2 = f32(sigma2 + f32(src[x + j]! * src[x + j]!));
  sigma2 = f32(sigma2 * f32(2 / size));
  dst.fill(0, q4, q4 + size / 2);
  writeF16(dst, dh, 0);
  let maxScale = 0;
  let amaxScale = 0;
  for (let ib = 0; ib < nSub; ib++) {
    const xb = x + ib * 32;
    for (let j = 0; j < 32; j++) weight[j] = f32(src[xb + j]! * src[xb + j]!);
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const ax = Math.abs(src[xb + j]!);
      if (ax > amax) {
        amax = ax;
        max = src[xb + j]!;
      }
    }
    if (amax < GROUP_MAX_EPS) {
      scales[ib] = 0;
      L.fill(0, ib * 32, ib * 32 + 32);
      continue;
    }
    let d = ntry > 0 ? f32(-max / values[0]!) : f32(max / values[0]!);
    let id = f32(1 / d);
    let sumqx = 0;
    let sumq2 = 0;
    for (let j = 0; j < 32; j++) {
      const l = bestIndexInt8(values, f32(id * src[xb + j]!));
      L[ib * 32 + j] = l;
      const q = values[l]!;
      const wq = f32(weight[j]! * q);
      sumqx = f32(sumqx + f32(wq * src[xb + j]!));
      sumq2 = f32(sumq2 + f32(wq * q));
    }
    d = sumq2 > 0 ? f32(sumqx / sumq2) : 0;
    let best = f32(d * sumqx);
    for (let itry = -ntry; itry <= ntry; itry++) {
      id = f32((itry + values[0]!) / max);
      sumqx = 0;
      sumq2 = 0;
      for (let j = 0; j < 32; j++) {
        const q = values[bestIndexInt8(values, f32(id * src[xb + j]!))]!;
        const wq = f32(weight[j]! * q);
        sumqx = f32(sumqx + f32(wq * src[xb + j]!));
        sumq2 = f32(sumq2 + f32(wq * q));
      }
      if (sumq2 > 0 && f32(sumqx * sumqx) > f32(best * sumq2)) {
        d = f32(sumqx / sumq2);
        best = f32(d * sumqx);
      }
    }
    scales[ib] = d;
    if (Math.abs(d) > amaxScale) {
      amaxScale = Math.abs(d);
      maxScale = d;
    }
  }
  if (nSub > 1) {
    let scalesH = 0;
    const d = f32(-maxScale / 32);
    writeF16(dst, dh, d);
    const id = d ? f32(1 / d) : 0;
    for (let ib = 0; ib < nSub; ib++) {
      let l = Math.max(-32, Math.min(31, nearestInt(f32(id * scales[ib]!))));
      const dl = f32(d * l);
      const idl = dl ? f32(1 / dl) : 0;
      for (let j = 0; j < 32; j++) L[ib * 32 + j] = bestIndexInt8(values, f32(idl * src[x + ib * 32 + j]!));
      l += 32;
      const lLow = l & 0xf;
      const lHigh = (l >> 4) & 0xff;
      const at = b + XS_SCALES_L + (ib >> 1);
      dst[at] = ib % 2 === 0 ? lLow : dst[at]! | (lLow << 4);
      scalesH |= lHigh << (2 * (ib % 8));
    }
    writeU16(dst, b + XS_SCALES_H, scalesH);
  } else {
    writeF16(dst, dh, scales[0]!);
    if (ntry > 0) {
      const id = scales[0] ? f32(1 / scales[0]!) : 0;
      for (let j = 0; j < size; j++) L[j] = bestIndexInt8(values, f32(id * src[x + j]!));
    }
  }
  for (let i = 0; i < size / 32; i++) {
    for (let j = 0; j < 16; j++) dst[q4 + 16 * i + j] = L[32 * i + j]! | (L[32 * i + 16 + j]! << 4);
  }
}

export const IQ4_NL: GgmlTypeTraits = {
  name: 'IQ4_NL',
  id: 20,
  blockSize: QK4_NL,
  typeSize: NL_BYTES,
  // ggml: dequantize_row_iq4_nl
  dequantize(src, dst, nBlocks) {
    for (let i = 0; i < nBlocks; i++) {
      const b = i * NL_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < QK4_NL / 2; j++) {
        const q = src[b + 2 + j]!;
        dst[i * QK4_NL + j] = d * KVALUES_IQ4NL[q & 0xf]!;
        dst[i * QK4_NL + j + QK4_NL / 2] = d * KVALUES_IQ4NL[q >> 4]!;
      }
    }
  },
  // ggml: quantize_row_iq4_nl_ref
  quantize(src, dst) {
    const nb = src.length / QK4_NL;
    for (let i = 0; i < nb; i++) quantizeIq4Block(src, i * QK4_NL, QK4_NL, dst, i * NL_BYTES, NTRY_NL);
  },
};

export const IQ4_XS: GgmlTypeTraits = {
  name: 'IQ4_XS',
  id: 23,
  blockSize: QK_K,
  typeSize: XS_BYTES,
  // ggml: dequantize_row_iq4_xs
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * XS_BYTES;
      const d = readF16(src, b);
      const scalesH = readU16(src, b + XS_SCALES_H);
      for (let ib = 0; ib < QK_K / 32; ib++) {
        const ls = ((src[b + XS_SCALES_L + (ib >> 1)]! >> (4 * (ib % 2))) & 0xf) | (((scalesH >> (2 * ib)) & 3) << 4);
        const dl = f32(d * (ls - 32));
        const qs = b + XS_QS + 16 * ib;
        for (let j = 0; j < 16; j++) {
          dst[y + j] = dl * KVALUES_IQ4NL[src[qs + j]! & 0xf]!;
          dst[y + j + 16] = dl * KVALUES_IQ4NL[src[qs + j]! >> 4]!;
        }
        y += 32;
      }
    }
  },
  // ggml: quantize_row_iq4_xs_ref -> quantize_iq4_xs(x, y, 1, k, NULL)
  quantize(src, dst) {
    const nb = src.length / QK_K;
    for (let i = 0; i < nb; i++) quantizeIq4Block(src, i * QK_K, QK_K, dst, i * XS_BYTES, NTRY_XS);
  },
};
