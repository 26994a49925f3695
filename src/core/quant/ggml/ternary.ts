import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, roundHalfAway } from './cfloat';
import { readF16, writeF16 } from './fp16';

/** qs[48] (5 trits a byte), qh[4] (4 trits a byte), fp16 d. // ggml-common.h: block_tq1_0 */
const TQ1_QS = 48;
const TQ1_QH = 4;
const TQ1_D = TQ1_QS + TQ1_QH;
const TQ1_BYTES = GGML_LAYOUTS.TQ1_0.typeSize;
/** qs[64] (4 values of 2 bits a byte), fp16 d. // ggml-common.h: block_tq2_0 */
const TQ2_QS = 64;
const TQ2_BYTES = GGML_LAYOUTS.TQ2_0.typeSize;
/** Powers of three that bring each trit to the top of a byte. // ggml: dequantize_row_tq1_0 pow3 */
const POW3 = [1, 3, 9, 27, 81, 243];

/** A trit packed into the top of a byte by multiplying: q * 3^n mod 256, then * 3 >> 8. */
function tritAt(byte: number, n: number): number {
  const q = (byte * POW3[n]!) & 0xff;
  return (q * 3) >> 8;
}

/**
 * Packs `count` trits (x * id rounded to -1, 0, 1) from src[start], src[start + stride], ... most
 * significant first, then scales to a byte by ceiling division.
 */
function packTrits(src: Float32Array, start: number, stride: number, count: number, id: number): number {
  let q = 0;
  for (let k = start; k < start + count * stride; k += stride) q = (q * 3 + roundHalfAway(f32(src[k]! * id)) + 1) & 0xff;
  if (count === 4) q = (q * 3) & 0xff;
  return Math.floor((q * 256 + (243 - 1)) / 243) & 0xff;
}

/** ggml's MAX(amax, fabsf(x)) over the block, which a NaN does not stick to as it does to Math.max. */
function absMax(src: Float32Array, x: number): number {
  let amax = 0;
  for (let j = x; j < x + QK_K; j++) {
    const a = Math.abs(src[j]!);
    amax = amax > a ? amax : a;
  }
  return amax;
}

export const TQ1_0 = ggmlType('TQ1_0', {
  // ggml: dequantize_row_tq1_0
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * TQ1_BYTES;
      const d = readF16(src, b + TQ1_D);
      for (let n = 0; n < 5; n++) for (let m = 0; m < 32; m++) dst[y++] = (tritAt(src[b + m]!, n) - 1) * d;
      for (let n = 0; n < 5; n++) for (let m = 0; m < 16; m++) dst[y++] = (tritAt(src[b + 32 + m]!, n) - 1) * d;
      for (let n = 0; n < 4; n++) for (let j = 0; j < TQ1_QH; j++) dst[y++] = (tritAt(src[b + TQ1_QS + j]!, n) - 1) * d;
    }
  },
  // ggml: quantize_row_tq1_0_ref
  quantize(src, dst) {
    const nb = src.length / QK_K;
    for (let i = 0; i < nb; i++) {
      let x = i * QK_K;
      const b = i * TQ1_BYTES;
      const d = absMax(src, x);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b + TQ1_D, d);
      for (let m = 0; m < 32; m++) dst[b + m] = packTrits(src, x + m, 32, 5, id);
      x += 5 * 32;
      for (let m = 0; m < 16; m++) dst[b + 32 + m] = packTrits(src, x + m, 16, 5, id);
      x += 5 * 16;
      for (let j = 0; j < TQ1_QH; j++) dst[b + TQ1_QS + j] = packTrits(src, x + j, TQ1_QH, 4, id);
    }
  },
});

export const TQ2_0 = ggmlType('TQ2_0', {
  // ggml: dequantize_row_tq2_0
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * TQ2_BYTES;
      const d = readF16(src, b + TQ2_QS);
      for (let j = 0; j < TQ2_QS; j += 32) {
        for (let l = 0; l < 4; l++) for (let m = 0; m < 32; m++) dst[y++] = (((src[b + j + m]! >> (l * 2)) & 3) - 1) * d;
      }
    }
  },
  // ggml: quantize_row_tq2_0_ref
  quantize(src, dst) {
    const nb = src.length / QK_K;
    for (let i = 0; i < nb; i++) {
      let x = i * QK_K;
      const b = i * TQ2_BYTES;
      const d = absMax(src, x);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b + TQ2_QS, d);
      for (let j = 0; j < TQ2_QS; j += 32) {
        for (let m = 0; m < 32; m++) {
          let q = 0;
          for (let n = 0; n < 4; n++) q += ((roundHalfAway(f32(src[x + m + n * 32]! * id)) + 1) & 3) << (2 * n);
          dst[b + j + m] = q & 0xff;
        }
        x += 4 * 32;
      }
    }
  },
});
