import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { readF16, writeF16 } from './fp16';
import { readU32 } from './bytes';
import { quantizeBlocks } from './chunks';

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
  // ggml: quantize_row_q5_0_ref; d and levels in a kernel
  quantize(src, dst) {
    quantizeBlocks(src, dst, 'q5_0', QK5_0, BLOCK_BYTES, (k, i, out, b) => writeF16(out, b, k.scales[i]!));
  },
});
