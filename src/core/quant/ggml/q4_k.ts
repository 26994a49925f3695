import type { GgmlTypeTraits } from './table';
import { f32 } from './cfloat';
import { QK_K } from './kquantFit';
import { finishSuperBlock, subBlockPair } from './kquant45';
import { forEachFitted } from './fitted';
import { FITS } from './wasm/module';

/** fp16 d, fp16 dmin, scales[12], qs[128]. // ggml-common.h: block_q4_K */
const QS = 16;
const BLOCK_BYTES = 144;

export const Q4_K: GgmlTypeTraits = {
  name: 'Q4_K',
  id: 12,
  blockSize: QK_K,
  typeSize: BLOCK_BYTES,
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
    forEachFitted(src, QK_K, 'q4_K', (k, block, i) => {
      const b = block * BLOCK_BYTES;
      finishSuperBlock(k, i, dst, b, FITS.q4_K.nmax);
      const L = k.levels;
      let q = b + QS;
      for (let j = i * QK_K; j < (i + 1) * QK_K; j += 64) {
        for (let l = 0; l < 32; l++) dst[q + l] = L[j + l]! | (L[j + l + 32]! << 4);
        q += 32;
      }
    });
  },
};
