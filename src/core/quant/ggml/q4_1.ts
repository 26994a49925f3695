import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { forEachChunk } from './chunks';

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
  // ggml: quantize_row_q4_1_ref; min, d and levels in a kernel
  quantize(src, dst) {
    const half = QK4_1 / 2;
    forEachChunk(src, QK4_1, (k, first, m) => {
      k.run('q4_1', m * QK4_1);
      const L = k.levels;
      for (let i = 0; i < m; i++) {
        const b = (first + i) * BLOCK_BYTES;
        const l = i * QK4_1;
        writeF16(dst, b, k.scales[i]!);
        writeF16(dst, b + 2, k.mins[i]!);
        for (let j = 0; j < half; j++) dst[b + 4 + j] = L[l + j]! | (L[l + half + j]! << 4);
      }
    });
  },
});
