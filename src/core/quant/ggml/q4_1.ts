import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, truncToInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { minMax } from './blockStats';

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
  // ggml: quantize_row_q4_1_ref
  quantize(src, dst) {
    const nb = src.length / QK4_1;
    const half = QK4_1 / 2;
    for (let i = 0; i < nb; i++) {
      const x = i * QK4_1;
      const b = i * BLOCK_BYTES;
      const { min, max } = minMax(src, x, QK4_1);
      const d = f32(f32(max - min) / 15);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b, d);
      writeF16(dst, b + 2, min);
      for (let j = 0; j < half; j++) {
        const x0 = f32(f32(src[x + j]! - min) * id);
        const x1 = f32(f32(src[x + half + j]! - min) * id);
        const xi0 = Math.min(15, truncToInt8(f32(x0 + 0.5))) & 0xff;
        const xi1 = Math.min(15, truncToInt8(f32(x1 + 0.5))) & 0xff;
        dst[b + 4 + j] = (xi0 | (xi1 << 4)) & 0xff;
      }
    }
  },
});
