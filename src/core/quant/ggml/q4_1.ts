import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { quantizeBlocks } from './chunks';

/** Values and bytes per block: fp16 d + fp16 m + 16 bytes of nibbles. // ggml-common.h: QK4_1, block_q4_1 */
const { blockSize: QK4_1, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q4_1;

export const Q4_1 = ggmlType('Q4_1', {
  // ggml: dequantize_row_q4_1
  dequantize(src, dst, nBlocks) {
    const half = QK4_1 / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      const m = readF16(src, b + 2);
      for (let j = 0; j < half; j++) {
        const q = src[b + 4 + j]!;
        dst[i * QK4_1 + j] = f32((q & 0x0f) * d) + m;
        dst[i * QK4_1 + j + half] = f32((q >> 4) * d) + m;
      }
    }
  },
  // ggml: quantize_row_q4_1_ref; min, d and packed levels in a kernel
  quantize(src, dst) {
    quantizeBlocks(src, dst, 'q4_1', QK4_1, BLOCK_BYTES, (k, i, out, b) => {
      writeF16(out, b, k.scales[i]!);
      writeF16(out, b + 2, k.mins[i]!);
    });
  },
});
