import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { readF16, writeF16 } from './fp16';
import { readU32, writeU32 } from './bytes';
import { forEachChunk } from './chunks';
import { packFifthBits } from './fifthBits';

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
    forEachChunk(src, QK5_0, (k, first, m) => {
      k.run('q5_0', m * QK5_0);
      for (let i = 0; i < m; i++) {
        const b = (first + i) * BLOCK_BYTES;
        writeF16(dst, b, k.scales[i]!);
        writeU32(dst, b + 2, packFifthBits(k.levels, i * QK5_0, dst, b + 6));
      }
    });
  },
});
