import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { scaleSuperBlock, subBlockPair } from './kquant45';
import { quantizeInPasses, roundTripInPasses, type Passes } from './chunks';

/** fp16 d, fp16 dmin, scales[12], qs[128]. // ggml-common.h: block_q4_K */
const QS = 16;
const BLOCK_BYTES = GGML_LAYOUTS.Q4_K.typeSize;

const PASSES: Passes = {
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  fit: 'q4_K',
  scale: scaleSuperBlock,
  levels: 'q4_K_levels',
  dequant: 'k32_deq',
  pack(L, lo, dst, b) {
    let q = b + QS;
    for (let j = lo; j < lo + QK_K; j += 64) {
      for (let l = j; l < j + 32; l++) dst[q++] = L[l]! | (L[l + 32]! << 4);
    }
  },
};

export const Q4_K = ggmlType('Q4_K', {
  // ggml: dequantize_row_q4_K
  dequantize(src, dst, nBlocks) {
    const dm = new Float32Array(4);
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      let q = b + QS;
      for (let is = 0; is < QK_K / 32; is += 2) {
        subBlockPair(src, b, is, dm);
        const d1 = dm[0]!;
        const m1 = dm[1]!;
        const d2 = dm[2]!;
        const m2 = dm[3]!;
        for (let l = 0; l < 32; l++) dst[y++] = f32(d1 * (src[q + l]! & 0xf)) - m1;
        for (let l = 0; l < 32; l++) dst[y++] = f32(d2 * (src[q + l]! >> 4)) - m2;
        q += 32;
      }
    }
  },
  // ggml: quantize_row_q4_K_ref
  quantize(src, dst) {
    quantizeInPasses(src, dst, PASSES);
  },
  roundTrip(x, from, to, deq) {
    roundTripInPasses(x, from, to, deq, PASSES);
  },
});
