import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { scaleSuperBlock, subBlockPair } from './kquant45';
import { quantizeInPasses, roundTripInPasses, type Passes } from './chunks';

/** fp16 d, fp16 dmin, scales[12], qh[32] (fifth bits), qs[128]. // ggml-common.h: block_q5_K */
const QH = 16;
const QS = 48;
const BLOCK_BYTES = GGML_LAYOUTS.Q5_K.typeSize;

const PASSES: Passes = {
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  fit: 'q5_K',
  scale: scaleSuperBlock,
  levels: 'q5_K_levels',
  dequant: 'k32_deq',
  // The fifth bits go to qh: bit 2k for the low half of the k-th 64 values, 2k + 1 for the high half.
  pack(L, lo, dst, b) {
    dst.fill(0, b + QH, b + QH + QK_K / 8);
    let ql = b + QS;
    let m1 = 1;
    let m2 = 2;
    for (let n = lo; n < lo + QK_K; n += 64) {
      for (let j = 0; j < 32; j++) {
        let l1 = L[n + j]!;
        if (l1 > 15) {
          l1 -= 16;
          dst[b + QH + j] = dst[b + QH + j]! | m1;
        }
        let l2 = L[n + j + 32]!;
        if (l2 > 15) {
          l2 -= 16;
          dst[b + QH + j] = dst[b + QH + j]! | m2;
        }
        dst[ql + j] = l1 | (l2 << 4);
      }
      m1 <<= 2;
      m2 <<= 2;
      ql += 32;
    }
  },
};

export const Q5_K = ggmlType('Q5_K', {
  // ggml: dequantize_row_q5_K
  dequantize(src, dst, nBlocks) {
    const dm = new Float32Array(4);
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      let ql = b + QS;
      // The fifth bit as arithmetic, not a branch: qh bits are random, so a branch mispredicts half the time.
      let u1 = 0;
      let u2 = 1;
      for (let is = 0; is < QK_K / 32; is += 2) {
        subBlockPair(src, b, is, dm);
        const d1 = dm[0]!;
        const m1 = dm[1]!;
        const d2 = dm[2]!;
        const m2 = dm[3]!;
        for (let l = 0; l < 32; l++) dst[y++] = f32(d1 * ((src[ql + l]! & 0xf) | (((src[b + QH + l]! >> u1) & 1) << 4))) - m1;
        for (let l = 0; l < 32; l++) dst[y++] = f32(d2 * ((src[ql + l]! >> 4) | (((src[b + QH + l]! >> u2) & 1) << 4))) - m2;
        ql += 32;
        u1 += 2;
        u2 += 2;
      }
    }
  },
  // ggml: quantize_row_q5_K_ref
  quantize(src, dst) {
    quantizeInPasses(src, dst, PASSES);
  },
  roundTrip(x, from, to, deq) {
    roundTripInPasses(x, from, to, deq, PASSES);
  },
});
