import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { readF16, writeF16 } from './fp16';
import { quantizeBlocks } from './chunks';

/** Values and bytes per block: fp16 d + 16 bytes of nibbles. // ggml-common.h: QK4_0, block_q4_0 */
const { blockSize: QK4_0, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q4_0;

export const Q4_0 = ggmlType('Q4_0', {
  // ggml: dequantize_row_q4_0
  dequantize(src, dst, nBlocks) {
    const half = QK4_0 / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < half; j++) {
        const q = src[b + 2 + j]!;
        dst[i * QK4_0 + j] = ((q & 0x0f) - 8) * d;
        dst[i * QK4_0 + j + half] = ((q >> 4) - 8) * d;
      }
    }
  },
  // ggml: quantize_row_q4_0_ref (d = max / -8 with the signed max, so all 16 levels are used); d and packed levels in a kernel
  quantize(src, dst) {
    quantizeBlocks(src, dst, 'q4_0', QK4_0, BLOCK_BYTES, (k, i, out, b) => writeF16(out, b, k.scales[i]!));
  },
});
