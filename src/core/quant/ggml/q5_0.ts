import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, truncToInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { absMaxSigned } from './blockStats';
import { readU32, writeU32 } from './bytes';

/** Values and bytes per block: fp16 d + 4 bytes of fifth bits + 16 bytes of nibbles. // ggml-common.h: QK5_0, block_q5_0 */
const { blockSize: QK5_0, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q5_0;

export const Q5_0 = ggmlType('Q5_0', {
  // ggml: dequantize_row_q5_0
  dequantize(src, dst, nBlocks) {
    const half = QK5_0 / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      const qh = readU32(src, b + 2);
      for (let j = 0; j < half; j++) {
        const xh0 = ((qh >>> j) << 4) & 0x10;
        const xh1 = (qh >>> (j + 12)) & 0x10;
        const q = src[b + 6 + j]!;
        dst[i * QK5_0 + j] = (((q & 0x0f) | xh0) - 16) * d;
        dst[i * QK5_0 + j + half] = (((q >> 4) | xh1) - 16) * d;
      }
    }
  },
  // ggml: quantize_row_q5_0_ref
  quantize(src, dst) {
    const nb = src.length / QK5_0;
    const half = QK5_0 / 2;
    for (let i = 0; i < nb; i++) {
      const x = i * QK5_0;
      const b = i * BLOCK_BYTES;
      const max = absMaxSigned(src, x, QK5_0);
      const d = f32(max / -16);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b, d);
      let qh = 0;
      for (let j = 0; j < half; j++) {
        const xi0 = Math.min(31, truncToInt8(f32(f32(src[x + j]! * id) + 16.5))) & 0xff;
        const xi1 = Math.min(31, truncToInt8(f32(f32(src[x + half + j]! * id) + 16.5))) & 0xff;
        dst[b + 6 + j] = ((xi0 & 0x0f) | ((xi1 & 0x0f) << 4)) & 0xff;
        qh |= ((xi0 & 0x10) >>> 4) << j;
        qh |= ((xi1 & 0x10) >>> 4) << (j + half);
      }
      writeU32(dst, b + 2, qh);
    }
  },
});
