import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { readU32 } from './bytes';
import { quantizeBlocks } from './chunks';

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
  // ggml: quantize_row_q5_1_ref (no clamp to 31, unlike Q4_1: the cast alone bounds it); min, d and levels in a kernel
  quantize(src, dst) {
    quantizeBlocks(src, dst, 'q5_1', QK5_1, BLOCK_BYTES, (k, i, out, b) => {
      writeF16(out, b, k.scales[i]!);
      writeF16(out, b + 2, k.mins[i]!);
    });
  },
});
