import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, truncToUint8 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { minMax } from './blockStats';
import { readU32, writeU32 } from './bytes';

/** Values and bytes per block: fp16 d + fp16 m + 4 bytes of fifth bits + 16 bytes of nibbles. // ggml-common.h: QK5_1, block_q5_1 */
const { blockSize: QK5_1, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q5_1;

export const Q5_1 = ggmlType('Q5_1', {
  // ggml: dequantize_row_q5_1
  dequantize(src, dst, nBlocks) {
    const half = QK5_1 / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      const m = readF16(src, b + 2);
      const qh = readU32(src, b + 4);
      for (let j = 0; j < half; j++) {
        const xh0 = ((qh >>> j) << 4) & 0x10;
        const xh1 = (qh >>> (j + 12)) & 0x10;
        const q = src[b + 8 + j]!;
        dst[i * QK5_1 + j] = f32(((q & 0x0f) | xh0) * d) + m;
        dst[i * QK5_1 + j + half] = f32(((q >> 4) | xh1) * d) + m;
      }
    }
  },
  // ggml: quantize_row_q5_1_ref (no clamp to 31, unlike Q4_1: the cast alone bounds it)
  quantize(src, dst) {
    const nb = src.length / QK5_1;
    const half = QK5_1 / 2;
    for (let i = 0; i < nb; i++) {
      const x = i * QK5_1;
      const b = i * BLOCK_BYTES;
      const { min, max } = minMax(src, x, QK5_1);
      const d = f32(f32(max - min) / 31);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b, d);
      writeF16(dst, b + 2, min);
      let qh = 0;
      for (let j = 0; j < half; j++) {
        const xi0 = truncToUint8(f32(f32(f32(src[x + j]! - min) * id) + 0.5));
        const xi1 = truncToUint8(f32(f32(f32(src[x + half + j]! - min) * id) + 0.5));
        dst[b + 8 + j] = ((xi0 & 0x0f) | ((xi1 & 0x0f) << 4)) & 0xff;
        qh |= ((xi0 & 0x10) >>> 4) << j;
        qh |= ((xi1 & 0x10) >>> 4) << (j + half);
      }
      writeU32(dst, b + 4, qh);
    }
  },
});
