/** 3-bit grid i-quants: 4 values per index into a D4-lattice grid, signs separate. // ggml-quants.c, ggml-common.h */
import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { readF16 } from './fp16';
import { readU32 } from './bytes';
import { IQ3XXS_GRID } from './grids/iq3xxsGrid';
import { IQ3S_GRID } from './grids/iq3sGrid';
import { KMASK_IQ2XS, KSIGNS_IQ2XS } from './grids/signs';

/** fp16 d, qs[96]: 64 grid bytes, then per 32 values a u32 of 4x7 sign bits and a 4-bit scale. // block_iq3_xxs */
const XXS_SIGNS = 2 + QK_K / 4;
const XXS_BYTES = GGML_LAYOUTS.IQ3_XXS.typeSize;
/** fp16 d, qs[64] (grid low bytes), qh[8] (9th index bits), signs[32], scales[4] (two 4-bit scales). // block_iq3_s */
const S_QH = 2 + QK_K / 4;
const S_SIGNS = S_QH + QK_K / 32;
const S_SCALES = S_SIGNS + QK_K / 8;
const S_BYTES = GGML_LAYOUTS.IQ3_S.typeSize;

/** Writes db * grid[i1] then db * grid[i2] (4 values each) with the 8 signs of `signs` at dst[y]. */
function signedQuads(dst: Float32Array, y: number, db: number, grid: Uint8Array, i1: number, i2: number, signs: number): void {
  for (let j = 0; j < 4; j++) {
    dst[y + j] = db * grid[i1 * 4 + j]! * (signs & KMASK_IQ2XS[j]! ? -1 : 1);
    dst[y + j + 4] = db * grid[i2 * 4 + j]! * (signs & KMASK_IQ2XS[j + 4]! ? -1 : 1);
  }
}

export const IQ3_XXS = ggmlType('IQ3_XXS', {
  // ggml: dequantize_row_iq3_xxs
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * XXS_BYTES;
      const d = readF16(src, b);
      for (let ib32 = 0; ib32 < QK_K / 32; ib32++) {
        const aux = readU32(src, b + XXS_SIGNS + 4 * ib32);
        const db = f32(f32(d * (0.5 + (aux >>> 28))) * 0.5);
        const qs = b + 2 + 8 * ib32;
        for (let l = 0; l < 4; l++, y += 8) {
          signedQuads(dst, y, db, IQ3XXS_GRID, src[qs + 2 * l]!, src[qs + 2 * l + 1]!, KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127]!);
        }
      }
    }
  },
});

export const IQ3_S = ggmlType('IQ3_S', {
  // ggml: dequantize_row_iq3_s (two 32-value halves per scale byte)
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * S_BYTES;
      const d = readF16(src, b);
      for (let ib32 = 0; ib32 < QK_K / 32; ib32++) {
        const scale = src[b + S_SCALES + (ib32 >> 1)]!;
        const db = f32(d * (1 + 2 * (ib32 % 2 === 0 ? scale & 0xf : scale >> 4)));
        const qh = src[b + S_QH + ib32]!;
        const qs = b + 2 + 8 * ib32;
        for (let l = 0; l < 4; l++, y += 8) {
          const i1 = src[qs + 2 * l]! | ((qh << (8 - 2 * l)) & 256);
          const i2 = src[qs + 2 * l + 1]! | ((qh << (7 - 2 * l)) & 256);
          signedQuads(dst, y, db, IQ3S_GRID, i1, i2, src[b + S_SIGNS + 4 * ib32 + l]!);
        }
      }
    }
  },
});
