import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { readF16 } from './fp16';

/** fp16 d, then one bit per value (low bit first): 1 is +d, 0 is -d. // ggml-common.h: block_q1_0 */
const { blockSize: QK1_0, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q1_0;

export const Q1_0 = ggmlType('Q1_0', {
  // ggml: dequantize_row_q1_0
  dequantize(src, dst, nBlocks) {
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < QK1_0; j++) dst[i * QK1_0 + j] = (src[b + 2 + (j >> 3)]! >> (j % 8)) & 1 ? d : -d;
    }
  },
});
