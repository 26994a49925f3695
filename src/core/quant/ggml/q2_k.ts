import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, nearestInt } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { pack2Bit } from './kquantFit';
import { quantizeInPasses, type Passes } from './chunks';

/** scales[16] (4-bit scale | 4-bit min), qs[64], fp16 d, fp16 dmin. // ggml-common.h: block_q2_K */
const SCALES = 0;
const QS = 16;
const D = 80;
const DMIN = 82;
const BLOCK_BYTES = GGML_LAYOUTS.Q2_K.typeSize;
/** Scales and mins are quantized to 4 bits against their maximum. // ggml: quantize_row_q2_K_ref q4scale */
const Q4SCALE = 15;
/** Sub-blocks of 16 per super-block. */
const SUB = QK_K / 16;

const PASSES: Passes = {
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  fit: 'q2_K',
  // 4-bit scales and mins against their maxima, each sub-block's d and dmin for the levels kernel.
  scale(k, i, dst, b) {
    const s = i * SUB;
    let maxScale = 0;
    let maxMin = 0;
    for (let j = s; j < s + SUB; j++) {
      if (k.scales[j]! > maxScale) maxScale = k.scales[j]!;
      if (k.mins[j]! > maxMin) maxMin = k.mins[j]!;
    }
    if (maxScale > 0) {
      const iscale = f32(Q4SCALE / maxScale);
      for (let j = 0; j < SUB; j++) dst[b + SCALES + j] = nearestInt(f32(iscale * k.scales[s + j]!)) & 0xff;
      writeF16(dst, b + D, f32(maxScale / Q4SCALE));
    } else {
      dst.fill(0, b + SCALES, b + SCALES + SUB);
      writeF16(dst, b + D, 0);
    }
    if (maxMin > 0) {
      const iscale = f32(Q4SCALE / maxMin);
      for (let j = 0; j < SUB; j++) {
        dst[b + SCALES + j] = dst[b + SCALES + j]! | ((nearestInt(f32(iscale * k.mins[s + j]!)) << 4) & 0xff);
      }
      writeF16(dst, b + DMIN, f32(maxMin / Q4SCALE));
    } else {
      writeF16(dst, b + DMIN, 0);
    }
    const dAll = readF16(dst, b + D);
    const dminAll = readF16(dst, b + DMIN);
    for (let j = 0; j < SUB; j++) {
      const sc = dst[b + SCALES + j]!;
      k.scales[s + j] = f32(dAll * (sc & 0xf));
      k.mins[s + j] = f32(dminAll * (sc >> 4));
    }
    return true;
  },
  levels: 'q2_K_levels',
  pack(L, lo, dst, b) {
    pack2Bit(L, lo, dst, b + QS);
  },
};

export const Q2_K = ggmlType('Q2_K', {
  // ggml: dequantize_row_q2_K
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b + D);
      const min = readF16(src, b + DMIN);
      let q = b + QS;
      let is = 0;
      for (let n = 0; n < QK_K; n += 128) {
        let shift = 0;
        for (let j = 0; j < 4; j++) {
          for (let half = 0; half < 2; half++) {
            const sc = src[b + SCALES + is++]!;
            const dl = f32(d * (sc & 0xf));
            const ml = f32(min * (sc >> 4));
            for (let l = 0; l < 16; l++) dst[y++] = f32(dl * ((src[q + half * 16 + l]! >> shift) & 3)) - ml;
          }
          shift += 2;
        }
        q += 32;
      }
    }
  },
  // ggml: quantize_row_q2_K_ref
  quantize(src, dst) {
    quantizeInPasses(src, dst, PASSES);
  },
});
