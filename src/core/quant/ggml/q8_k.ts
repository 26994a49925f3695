import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, nearestInt, toInt8 } from './cfloat';

/** float32 d, int8 qs[256], int16 bsums[16] (sums of 16 quants). // ggml-common.h: block_q8_K */
const QS = 4;
const BSUMS = 260;
const BLOCK_BYTES = GGML_LAYOUTS.Q8_K.typeSize;

/** ggml's intermediate format for k-quant dot products; its scale is a plain float32. */
export const Q8_K = ggmlType('Q8_K', {
  // ggml: dequantize_row_q8_K
  dequantize(src, dst, nBlocks) {
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = view.getFloat32(b, true);
      for (let j = 0; j < QK_K; j++) dst[i * QK_K + j] = d * toInt8(src[b + QS + j]!);
    }
  },
  // ggml: quantize_row_q8_K_ref (iscale -127/max, not -128/max, as ggml keeps it for IQ2_XXS)
  quantize(src, dst) {
    const view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    const nb = src.length / QK_K;
    for (let i = 0; i < nb; i++) {
      const x = i * QK_K;
      const b = i * BLOCK_BYTES;
      let max = 0;
      let amax = 0;
      for (let j = 0; j < QK_K; j++) {
        const ax = Math.abs(src[x + j]!);
        if (ax > amax) {
          amax = ax;
          max = src[x + j]!;
        }
      }
      if (!amax) {
        // ggml leaves bsums untouched here; zeroing them keeps the output independent of dst's old bytes.
        dst.fill(0, b, b + BLOCK_BYTES);
        continue;
      }
      const iscale = f32(-127 / max);
      for (let j = 0; j < QK_K; j++) dst[b + QS + j] = Math.min(127, nearestInt(f32(iscale * src[x + j]!))) & 0xff;
      for (let j = 0; j < QK_K / 16; j++) {
        let sum = 0;
        for (let ii = 0; ii < 16; ii++) sum += toInt8(dst[b + QS + j * 16 + ii]!);
        view.setInt16(b + BSUMS + 2 * j, sum, true);
      }
      view.setFloat32(b, f32(1 / iscale), true);
    }
  },
});
