import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, floorLog2f, truncToUint8 } from './cfloat';
import { e8m0ToFp32Half } from './fp16';
import { forEachChunk } from './chunks';
import { KVALUES_MXFP4 } from './kvalues';

/** Values and bytes per block: E8M0 exponent byte + 16 bytes of E2M1 nibbles. // ggml-common.h: QK_MXFP4, block_mxfp4 */
const { blockSize: QK_MXFP4, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.MXFP4;

export const MXFP4 = ggmlType('MXFP4', {
  // ggml: dequantize_row_mxfp4
  dequantize(src, dst, nBlocks) {
    const half = QK_MXFP4 / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = e8m0ToFp32Half(src[b]!);
      for (let j = 0; j < half; j++) {
        const q = src[b + 1 + j]!;
        dst[i * QK_MXFP4 + j] = KVALUES_MXFP4[q & 0x0f]! * d;
        dst[i * QK_MXFP4 + j + half] = KVALUES_MXFP4[q >> 4]! * d;
      }
    }
  },
  // ggml: quantize_row_mxfp4_ref (the block exponents here, best_index_mxfp4 per value in a kernel)
  quantize(src, dst) {
    const half = QK_MXFP4 / 2;
    forEachChunk(src, QK_MXFP4, (k, first, m) => {
      const x = k.input;
      for (let i = 0; i < m; i++) {
        let amax = 0;
        for (let j = i * QK_MXFP4; j < (i + 1) * QK_MXFP4; j++) if (amax < Math.abs(x[j]!)) amax = Math.abs(x[j]!);
        const e = amax > 0 ? truncToUint8(f32(floorLog2f(amax) - 2 + 127)) : 0;
        dst[(first + i) * BLOCK_BYTES] = e;
        k.scales[i] = e8m0ToFp32Half(e);
      }
      k.run('mxfp4_levels', m * QK_MXFP4);
      const L = k.levels;
      for (let i = 0; i < m; i++) {
        const b = (first + i) * BLOCK_BYTES;
        for (let j = 0; j < half; j++) dst[b + 1 + j] = L[i * QK_MXFP4 + j]! | (L[i * QK_MXFP4 + half + j]! << 4);
      }
    });
  },
});
