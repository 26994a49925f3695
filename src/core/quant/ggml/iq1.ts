/** 1-bit grid i-quants: 8 values in {-1, 0, 1} per 11-bit index, shifted by +-delta. // ggml-quants.c, ggml-common.h */
import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32 } from './cfloat';
import { readF16 } from './fp16';
import { readU16 } from './bytes';
import { f16ToF32 } from '../../numeric/floats';
import { IQ1S_GRID } from './grids/iq1sGrid';

/** The grid's bytes are int8 values. */
const GRID = new Int8Array(IQ1S_GRID.buffer, IQ1S_GRID.byteOffset, IQ1S_GRID.byteLength);
/** Shift added to every grid value, its sign from one bit per group. // ggml-common.h: IQ1S_DELTA, IQ1M_DELTA */
const IQ1_DELTA = 0.125;
/** fp16 d, qs[32] (grid low bytes), u16 qh[8] (3 index bits x4, 3-bit scale, delta sign). // block_iq1_s */
const S_QH = 2 + QK_K / 8;
const S_BYTES = GGML_LAYOUTS.IQ1_S.typeSize;
/** qs[32], qh[16] (3 index bits + delta sign per index), scales[8] (3-bit scales, fp16 d in the top nibbles). // block_iq1_m */
const M_QH = QK_K / 8;
const M_SCALES = M_QH + QK_K / 16;
const M_BYTES = GGML_LAYOUTS.IQ1_M.typeSize;

/** Writes dl * (grid[index][j] + delta) for 8 values at dst[y]; the sum is exact, the product rounds once. */
function shiftedOctet(dst: Float32Array, y: number, dl: number, index: number, delta: number): void {
  const g = index * 8;
  for (let j = 0; j < 8; j++) dst[y + j] = dl * (GRID[g + j]! + delta);
}

export const IQ1_S = ggmlType('IQ1_S', {
  // ggml: dequantize_row_iq1_s
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * S_BYTES;
      const d = readF16(src, b);
      for (let ib = 0; ib < QK_K / 32; ib++) {
        const qh = readU16(src, b + S_QH + 2 * ib);
        const dl = f32(d * (2 * ((qh >> 12) & 7) + 1));
        const delta = qh & 0x8000 ? -IQ1_DELTA : IQ1_DELTA;
        for (let l = 0; l < 4; l++, y += 8) shiftedOctet(dst, y, dl, src[b + 2 + 4 * ib + l]! | (((qh >> (3 * l)) & 7) << 8), delta);
      }
    }
  },
});

export const IQ1_M = ggmlType('IQ1_M', {
  // ggml: dequantize_row_iq1_m
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * M_BYTES;
      const sc0 = readU16(src, b + M_SCALES);
      const sc1 = readU16(src, b + M_SCALES + 2);
      const sc2 = readU16(src, b + M_SCALES + 4);
      const sc3 = readU16(src, b + M_SCALES + 6);
      // The fp16 super-block scale is spread over the top nibbles of the four scale words. // iq1m_scale_t
      const d = f16ToF32((sc0 >> 12) | ((sc1 >> 8) & 0x00f0) | ((sc2 >> 4) & 0x0f00) | (sc3 & 0xf000));
      for (let ib = 0; ib < QK_K / 32; ib++) {
        const s = readU16(src, b + M_SCALES + 2 * (ib >> 1)) >> (6 * (ib % 2));
        const dl1 = f32(d * (2 * (s & 7) + 1));
        const dl2 = f32(d * (2 * ((s >> 3) & 7) + 1));
        const qs = b + 4 * ib;
        const qh0 = src[b + M_QH + 2 * ib]!;
        const qh1 = src[b + M_QH + 2 * ib + 1]!;
        shiftedOctet(dst, y, dl1, src[qs]! | ((qh0 << 8) & 0x700), qh0 & 0x08 ? -IQ1_DELTA : IQ1_DELTA);
        shiftedOctet(dst, y + 8, dl1, src[qs + 1]! | ((qh0 << 4) & 0x700), qh0 & 0x80 ? -IQ1_DELTA : IQ1_DELTA);
        shiftedOctet(dst, y + 16, dl2, src[qs + 2]! | ((qh1 << 8) & 0x700), qh1 & 0x08 ? -IQ1_DELTA : IQ1_DELTA);
        shiftedOctet(dst, y + 24, dl2, src[qs + 3]! | ((qh1 << 4) & 0x700), qh1 & 0x80 ? -IQ1_DELTA : IQ1_DELTA);
        y += 32;
      }
    }
  },
});
