import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, nearestInt, toInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { GROUP_MAX_EPS } from './kquantFit';
import { quantizeInPasses, roundTripInPasses, type Passes } from './chunks';

/** ql[128] (low 4 bits), qh[64] (high 2 bits), int8 scales[16], fp16 d. // ggml-common.h: block_q6_K */
const QL = 0;
const QH = 128;
const SCALES = 192;
const D = 208;
const BLOCK_BYTES = GGML_LAYOUTS.Q6_K.typeSize;
/** Sub-blocks of 16 per super-block. */
const SUB = QK_K / 16;

const PASSES: Passes = {
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  fit: 'q6_K',
  // int8 scales against the largest |scale|, each sub-block's d (and no offset) for the levels kernel.
  scale(k, i, dst, b) {
    const s = i * SUB;
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let j = s; j < s + SUB; j++) {
      const scale = k.scales[j]!;
      if (Math.abs(scale) > maxAbsScale) {
        maxAbsScale = Math.abs(scale);
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      dst.fill(0, b, b + BLOCK_BYTES);
      // d = 0 keeps the fitted levels; the block is complete and not packed.
      k.scales.fill(0, s, s + SUB);
      k.mins.fill(0, s, s + SUB);
      return false;
    }
    const iscale = f32(-128 / maxScale);
    writeF16(dst, b + D, f32(1 / iscale));
    for (let j = 0; j < SUB; j++) {
      dst[b + SCALES + j] = Math.min(127, nearestInt(f32(iscale * k.scales[s + j]!))) & 0xff;
    }
    const dAll = readF16(dst, b + D);
    for (let j = 0; j < SUB; j++) {
      k.scales[s + j] = f32(dAll * toInt8(dst[b + SCALES + j]!));
      k.mins[s + j] = 0;
    }
    return true;
  },
  levels: 'q6_K_levels',
  dequant: 'q6_K_deq',
  // Levels 0..63: low 4 bits to ql (two per byte, 32 apart), high 2 bits to qh (four per byte).
  pack(L, lo, dst, b) {
    let ql = b + QL;
    let qh = b + QH;
    for (let j = lo; j < lo + QK_K; j += 128) {
      for (let l = 0; l < 32; l++) {
        const l0 = L[j + l]!;
        const l1 = L[j + l + 32]!;
        const l2 = L[j + l + 64]!;
        const l3 = L[j + l + 96]!;
        dst[ql + l] = (l0 & 0xf) | ((l2 & 0xf) << 4);
        dst[ql + l + 32] = (l1 & 0xf) | ((l3 & 0xf) << 4);
        dst[qh + l] = (l0 >> 4) | ((l1 >> 4) << 2) | ((l2 >> 4) << 4) | ((l3 >> 4) << 6);
      }
      ql += 64;
      qh += 32;
    }
  },
};

export const Q6_K = ggmlType('Q6_K', {
  // ggml: dequantize_row_q6_K
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const d = readF16(src, b + D);
      let ql = b + QL;
      let qh = b + QH;
      let sc = b + SCALES;
      for (let n = 0; n < QK_K; n += 128) {
        for (let l = 0; l < 32; l++) {
          const is = l >> 4;
          const h = src[qh + l]!;
          const q1 = ((src[ql + l]! & 0xf) | (((h >> 0) & 3) << 4)) - 32;
          const q2 = ((src[ql + l + 32]! & 0xf) | (((h >> 2) & 3) << 4)) - 32;
          const q3 = ((src[ql + l]! >> 4) | (((h >> 4) & 3) << 4)) - 32;
          const q4 = ((src[ql + l + 32]! >> 4) | (((h >> 6) & 3) << 4)) - 32;
          dst[y + l] = f32(d * toInt8(src[sc + is]!)) * q1;
          dst[y + l + 32] = f32(d * toInt8(src[sc + is + 2]!)) * q2;
          dst[y + l + 64] = f32(d * toInt8(src[sc + is + 4]!)) * q3;
          dst[y + l + 96] = f32(d * toInt8(src[sc + is + 6]!)) * q4;
        }
        y += 128;
        ql += 64;
        qh += 32;
        sc += 8;
      }
    }
  },
  // ggml: quantize_row_q6_K_ref
  quantize(src, dst) {
    quantizeInPasses(src, dst, PASSES);
  },
  roundTrip(x, from, to, deq) {
    roundTripInPasses(x, from, to, deq, PASSES);
  },
});
