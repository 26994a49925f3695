import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { readF16, writeF16 } from './fp16';
import { forEachChunk } from './chunks';

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
  // ggml: quantize_row_q4_0_ref (d = max / -8 with the signed max, so all 16 levels are used); d and levels in a kernel
  quantize(src, dst) {
    const half = QK4_0 / 2;
    forEachChunk(src, QK4_0, (k, first, m) => {
      k.run('q4_0', m * QK4_0);
      const L = k.levels;
      for (let i = 0; i < m; i++) {
        const b = (first + i) * BLOCK_BYTES;
        const l = i * QK4_0;
        writeF16(dst, b, k.scales[i]!);
        for (let j = 0; j < half; j++) dst[b + 2 + j] = L[l + j]! | (L[l + half + j]! << 4);
      }
    });
  },
});
