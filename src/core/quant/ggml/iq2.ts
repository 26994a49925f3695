/** 2-bit grid i-quants: 8 values per index into an E8-lattice grid, signs separate. // ggml-quants.c, ggml-common.h */
import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { readF16 } from './fp16';
import { readU16, readU32 } from './bytes';
import { IQ2XXS_GRID } from './grids/iq2xxsGrid';
import { IQ2XS_GRID } from './grids/iq2xsGrid';
import { IQ2S_GRID } from './grids/iq2sGrid';
import { KMASK_IQ2XS, KSIGNS_IQ2XS } from './grids/signs';

/** fp16 d, u16 qs[32] (per 32 values: 4 grid bytes, then 4x7 sign bits and a 4-bit scale). // block_iq2_xxs */
const XXS_BYTES = GGML_LAYOUTS.IQ2_XXS.typeSize;
/** fp16 d, u16 qs[32] (9-bit grid index, 7 sign bits), scales[8] (two 4-bit scales). // block_iq2_xs */
const XS_SCALES = 2 + QK_K / 4;
const XS_BYTES = GGML_LAYOUTS.IQ2_XS.typeSize;
/** fp16 d, qs[64] (32 grid low bytes, then 32 sign bytes), qh[8] (2 high bits per index), scales[8]. // block_iq2_s */
const S_SIGNS = 2 + QK_K / 8;
const S_QH = 2 + QK_K / 4;
const S_SCALES = S_QH + QK_K / 32;
const S_BYTES = GGML_LAYOUTS.IQ2_S.typeSize;

/** Writes the 8 values db * grid[index] with the signs of `signs` at dst[y]; the products round once, as ggml's. */
function signedOctet(dst: Float32Array, y: number, db: number, grid: Uint8Array, index: number, signs: number): void {
  const g = index * 8;
  for (let j = 0; j < 8; j++) dst[y + j] = db * grid[g + j]! * (signs & KMASK_IQ2XS[j]! ? -1 : 1);
}

/** ggml's d * (0.5f + s) * 0.25f in float. */
function quarterScale(d: number, s: number): number {
  return f32(f32(d * (0.5 + s)) * 0.25);
}

export const IQ2_XXS = ggmlType('IQ2_XXS', {
  // ggml: dequantize_row_iq2_xxs
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * XXS_BYTES;
      const d = readF16(src, b);
      for (let ib32 = 0; ib32 < QK_K / 32; ib32++) {
        const q = b + 2 + 8 * ib32;
        const aux = readU32(src, q + 4);
        const db = quarterScale(d, aux >>> 28);
        for (let l = 0; l < 4; l++, y += 8) signedOctet(dst, y, db, IQ2XXS_GRID, src[q + l]!, KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127]!);
      }
    }
  },
});

export const IQ2_XS = ggmlType('IQ2_XS', {
  // ggml: dequantize_row_iq2_xs
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * XS_BYTES;
      const d = readF16(src, b);
      for (let ib32 = 0; ib32 < QK_K / 32; ib32++) {
        const scales = src[b + XS_SCALES + ib32]!;
        const db0 = quarterScale(d, scales & 0xf);
        const db1 = quarterScale(d, scales >> 4);
        for (let l = 0; l < 4; l++, y += 8) {
          const q = readU16(src, b + 2 + 2 * (4 * ib32 + l));
          signedOctet(dst, y, l < 2 ? db0 : db1, IQ2XS_GRID, q & 511, KSIGNS_IQ2XS[q >> 9]!);
        }
      }
    }
  },
});

export const IQ2_S = ggmlType('IQ2_S', {
  // ggml: dequantize_row_iq2_s
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * S_BYTES;
      const d = readF16(src, b);
      for (let ib32 = 0; ib32 < QK_K / 32; ib32++) {
        const scales = src[b + S_SCALES + ib32]!;
        const db0 = quarterScale(d, scales & 0xf);
        const db1 = quarterScale(d, scales >> 4);
        const qh = src[b + S_QH + ib32]!;
        for (let l = 0; l < 4; l++, y += 8) {
          const index = src[b + 2 + 4 * ib32 + l]! | ((qh << (8 - 2 * l)) & 0x300);
          signedOctet(dst, y, l < 2 ? db0 : db1, IQ2S_GRID, index, src[b + S_SIGNS + 4 * ib32 + l]!);
        }
      }
    }
  },
});
