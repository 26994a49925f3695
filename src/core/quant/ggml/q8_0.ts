import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, roundToByte, toInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';

/** Values and bytes per block: fp16 d + 32 int8 quants. // ggml-common.h: QK8_0, block_q8_0 */
const { blockSize: QK8_0, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q8_0;

export const Q8_0 = ggmlType('Q8_0', {
  // ggml: dequantize_row_q8_0
  dequantize(src, dst, nBlocks) {
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < QK8_0; j++) dst[i * QK8_0 + j] = toInt8(src[b + 2 + j]!) * d;
    }
  },
  // ggml: quantize_row_q8_0_ref
  quantize(src, dst) {
    const bits = new Int32Array(src.buffer, src.byteOffset, src.length);
    const nb = src.length / QK8_0;
    for (let i = 0; i < nb; i++) {
      const x = i * QK8_0;
      const b = i * BLOCK_BYTES;
      let amax = 0;
      for (let j = x; j < x + QK8_0; j++) {
        const a = Math.abs(src[j]!);
        // ggml's MAX(amax, fabsf(v)), which a NaN does not stick to as it does to Math.max.
        amax = amax > a ? amax : a;
      }
      const d = f32(amax / 127);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b, d);
      for (let j = x; j < x + QK8_0; j++) {
        dst[b + 2 + j - x] = roundToByte(f32(src[j]! * id), bits[j]! >> 31);
      }
    }
  },
});
