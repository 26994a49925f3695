import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { readF16 } from './fp16';

/** fp16 d, then 2 bits per value (low bits first): codes 0..3 are -1, 0, 1, 2 times d. // ggml-common.h: block_q2_0 */
const { blockSize: QK2_0, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q2_0;

export const Q2_0 = ggmlType('Q2_0', {
  // ggml: dequantize_row_q2_0
  dequantize(src, dst, nBlocks) {
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < QK2_0; j++) dst[i * QK2_0 + j] = (((src[b + 2 + (j >> 2)]! >> ((j % 4) * 2)) & 3) - 1) * d;
    }
  },
});
