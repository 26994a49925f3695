import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { toInt8 } from './cfloat';
import { quantizeBlocks, roundTripChunks } from './chunks';
import { fp32ToFp16, readF16, writeF16 } from './fp16';
import { f16ToF32 } from '../../numeric/floats';

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
  // ggml: quantize_row_q8_0_ref; d and levels in a kernel
  quantize(src, dst) {
    quantizeBlocks(src, dst, 'q8_0', QK8_0, BLOCK_BYTES, (k, i, out, b) => writeF16(out, b, k.scales[i]!));
  },
  // The stored fp16 d, no offset: the values dequantize_row_q8_0 gives back from the blocks.
  roundTrip(x, from, to, deq) {
    roundTripChunks(x, from, to, deq, (k, values) => {
      k.run('q8_0', values);
      for (let i = 0; i < values / QK8_0; i++) {
        k.scales[i] = f16ToF32(fp32ToFp16(k.scales[i]!));
        k.mins[i] = 0;
      }
      k.run('q8_0_deq', values);
    });
  },
});
