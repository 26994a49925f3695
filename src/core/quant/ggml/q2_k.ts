import type { GgmlTypeTraits } from './table';
import { f32, nearestInt } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { makeQkx2Quants, pack2Bit, QK_K } from './kquantFit';

/** scales[16] (4-bit scale | 4-bit min), qs[64], fp16 d, fp16 dmin. // ggml-common.h: block_q2_K */
const SCALES = 0;
const QS = 16;
const D = 80;
const DMIN = 82;
const BLOCK_BYTES = 84;
/** Scales and mins are quantized to 4 bits against their maximum. // ggml: quantize_row_q2_K_ref q4scale */
const Q4SCALE = 15;

export const Q2_K: GgmlTypeTraits = {
  name: 'Q2_K',
  id: 10,
  blockSize: QK_K,
  typeSize: BLOCK_BYTES,
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
    const nb = src.length / QK_K;
    const L = new Uint8Array(QK_K);
    const Laux = new Uint8Array(16);
    const weights = new Float32Array(16);
    const mins = new Float32Array(QK_K / 16);
    const scales = new Float32Array(QK_K / 16);
    for (let i = 0; i < nb; i++) {
      const x = i * QK_K;
      const b = i * BLOCK_BYTES;
      let maxScale = 0;
      let maxMin = 0;
      for (let j = 0; j < QK_K / 16; j++) {
        for (let l = 0; l < 16; l++) weights[l] = Math.abs(src[x + 16 * j + l]!);
        scales[j] = makeQkx2Quants(16, 3, src, x + 16 * j, weights, L, 16 * j, mins, j, Laux, -0.5, f32(0.1), 15, true);
        if (scales[j]! > maxScale) maxScale = scales[j]!;
        if (mins[j]! > maxMin) maxMin = mins[j]!;
      }
      if (maxScale > 0) {
        const iscale = f32(Q4SCALE / maxScale);
        for (let j = 0; j < QK_K / 16; j++) dst[b + SCALES + j] = nearestInt(f32(iscale * scales[j]!)) & 0xff;
        writeF16(dst, b + D, f32(maxScale / Q4SCALE));
      } else {
        dst.fill(0, b + SCALES, b + SCALES + QK_K / 16);
        writeF16(dst, b + D, 0);
      }
      if (maxMin > 0) {
        const iscale = f32(Q4SCALE / maxMin);
        for (let j = 0; j < QK_K / 16; j++) {
          dst[b + SCALES + j] = dst[b + SCALES + j]! | ((nearestInt(f32(iscale * mins[j]!)) << 4) & 0xff);
        }
        writeF16(dst, b + DMIN, f32(maxMin / Q4SCALE));
      } else {
        writeF16(dst, b + DMIN, 0);
      }
      const dAll = readF16(dst, b + D);
      const dminAll = readF16(dst, b + DMIN);
      for (let j = 0; j < QK_K / 16; j++) {
        const sc = dst[b + SCALES + j]!;
        const d = f32(dAll * (sc & 0xf));
        if (!d) continue;
        const dm = f32(dminAll * (sc >> 4));
        for (let ii = 0; ii < 16; ii++) {
          L[16 * j + ii] = Math.max(0, Math.min(3, nearestInt(f32(f32(src[x + 16 * j + ii]! + dm) / d))));
        }
      }
      pack2Bit(L, dst, b + QS);
    }
  },
};
