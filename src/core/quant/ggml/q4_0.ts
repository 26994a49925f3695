import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, truncToInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { absMaxSigned } from './blockStats';

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
  // ggml: quantize_row_q4_0_ref (d = max / -8 with the signed max, so all 16 levels are used)
  quantize(src, dst) {
    const nb = src.length / QK4_0;
    const half = QK4_0 / 2;
    for (let i = 0; i < nb; i++) {
      const x = i * QK4_0;
      const b = i * BLOCK_BYTES;
      const max = absMaxSigned(src, x, QK4_0);
      const d = f32(max / -8);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b, d);
      for (let j = 0; j < half; j++) {
        const xi0 = Math.min(15, truncToInt8(f32(f32(src[x + j]! * id) + 8.5))) & 0xff;
        const xi1 = Math.min(15, truncToInt8(f32(f32(src[x + half + j]! * id) + 8.5))) & 0xff;
        dst[b + 2 + j] = (xi0 | (xi1 << 4)) & 0xff;
      }
    }
  },
});
