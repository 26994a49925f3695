import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, roundToByte, toInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';

/** Values and bytes per block: fp16 d + fp16 s (= d * sum(qs)) + 32 int8 quants. // ggml-common.h: QK8_1, block_q8_1 */
const { blockSize: QK8_1, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.Q8_1;

/** ggml's activation format for Q4_1/Q5_1 dot products; ggml has no dequantizer, so qs * d as for Q8_0. */
export const Q8_1 = ggmlType('Q8_1', {
  dequantize(src, dst, nBlocks) {
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < QK8_1; j++) dst[i * QK8_1 + j] = toInt8(src[b + 4 + j]!) * d;
    }
  },
  // ggml: quantize_row_q8_1_ref
  quantize(src, dst) {
    const bits = new Int32Array(src.buffer, src.byteOffset, src.length);
    const nb = src.length / QK8_1;
    const half = QK8_1 / 2;
    for (let i = 0; i < nb; i++) {
      const x = i * QK8_1;
      const b = i * BLOCK_BYTES;
      let amax = 0;
      for (let j = x; j < x + QK8_1; j++) {
        const a = Math.abs(src[j]!);
        // ggml's MAX(amax, fabsf(v)), which a NaN does not stick to as it does to Math.max.
        amax = amax > a ? amax : a;
      }
      const d = f32(amax / 127);
      const id = d ? f32(1 / d) : 0;
      writeF16(dst, b, d);
      let sum = 0;
      for (let j = x; j < x + half; j++) {
        const q0 = roundToByte(f32(src[j]! * id), bits[j]! >> 31);
        const q1 = roundToByte(f32(src[j + half]! * id), bits[j + half]! >> 31);
        dst[b + 4 + j - x] = q0;
        dst[b + 4 + half + j - x] = q1;
        sum += toInt8(q0) + toInt8(q1);
      }
      writeF16(dst, b + 2, f32(sum * d));
    }
  },
});
