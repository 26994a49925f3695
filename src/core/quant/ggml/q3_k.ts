import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, nearestInt, toInt8 } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { readU32 } from './bytes';
import { pack2Bit } from './kquantFit';
import { quantizeInPasses, type Passes } from './chunks';

/** hmask[32] (high bits), qs[64] (low 2 bits), scales[12] (16 6-bit scales), fp16 d. // ggml-common.h: block_q3_K */
const HMASK = 0;
const QS = 32;
const SCALES = 96;
const D = 108;
const BLOCK_BYTES = GGML_LAYOUTS.Q3_K.typeSize;
/** Sub-blocks of 16 per super-block. */
const SUB = QK_K / 16;
/** Masks that unpack the 6-bit scales. // ggml: dequantize_row_q3_K kmask1, kmask2 */
const KMASK1 = 0x03030303;
const KMASK2 = 0x0f0f0f0f;

/** The 16 6-bit scales (0..63) of the block at b, as dequantize_row_q3_K's aux words hold them. */
function unpackScales(src: Uint8Array, b: number, out: Int8Array): void {
  const a0 = readU32(src, b + SCALES);
  const a1 = readU32(src, b + SCALES + 4);
  const tmp = readU32(src, b + SCALES + 8);
  unpackWord(out, 0, (a0 & KMASK2) | (((tmp >>> 0) & KMASK1) << 4));
  unpackWord(out, 4, (a1 & KMASK2) | (((tmp >>> 2) & KMASK1) << 4));
  unpackWord(out, 8, ((a0 >>> 4) & KMASK2) | (((tmp >>> 4) & KMASK1) << 4));
  unpackWord(out, 12, ((a1 >>> 4) & KMASK2) | (((tmp >>> 6) & KMASK1) << 4));
}

/** The 4 bytes of a little-endian aux word as int8 at out[k..k+4). */
function unpackWord(out: Int8Array, k: number, w: number): void {
  for (let j = 0; j < 4; j++) out[k + j] = toInt8(w >>> (8 * j));
}

const PASSES: Passes = {
  blockSize: QK_K,
  blockBytes: BLOCK_BYTES,
  fit: 'q3_K',
  // 6-bit signed scales against the largest |scale|, each sub-block's d (and no offset) for the levels kernel.
  scale(k, i, dst, b) {
    const scales = k.scales;
    const s = i * SUB;
    let maxScale = 0;
    let amax = 0;
    for (let j = s; j < s + SUB; j++) {
      const scale = Math.abs(scales[j]!);
      if (scale > amax) {
        amax = scale;
        maxScale = scales[j]!;
      }
    }
    dst.fill(0, b + SCALES, b + SCALES + 12);
    if (maxScale) {
      const iscale = f32(-32 / maxScale);
      for (let j = 0; j < SUB; j++) {
        let l = Math.max(-32, Math.min(31, toInt8(nearestInt(f32(iscale * scales[s + j]!))))) + 32;
        if (j < 8) dst[b + SCALES + j] = l & 0xf;
        else dst[b + SCALES + j - 8] = dst[b + SCALES + j - 8]! | ((l & 0xf) << 4);
        l >>= 4;
        dst[b + SCALES + (j % 4) + 8] = dst[b + SCALES + (j % 4) + 8]! | (l << (2 * Math.floor(j / 4)));
      }
      writeF16(dst, b + D, f32(1 / iscale));
    } else {
      writeF16(dst, b + D, 0);
    }
    const dAll = readF16(dst, b + D);
    for (let j = 0; j < SUB; j++) {
      const low = j < 8 ? dst[b + SCALES + j]! & 0xf : dst[b + SCALES + j - 8]! >> 4;
      const sc = toInt8((low | (((dst[b + SCALES + 8 + (j % 4)]! >> (2 * Math.floor(j / 4))) & 3) << 4)) - 32);
      scales[s + j] = f32(dAll * sc);
      k.mins[s + j] = 0;
    }
    return true;
  },
  levels: 'q3_K_levels',
  // Levels 0..7: the high bit goes to hmask (bit j / 32 of byte j % 32), the low 2 bits to qs.
  pack(L, lo, dst, b) {
    dst.fill(0, b + HMASK, b + HMASK + QK_K / 8);
    let m = 0;
    let hm = 1;
    for (let j = lo; j < lo + QK_K; j++) {
      if (L[j]! > 3) {
        dst[b + HMASK + m] = dst[b + HMASK + m]! | hm;
        L[j] = L[j]! - 4;
      }
      if (++m === QK_K / 8) {
        m = 0;
        hm = (hm << 1) & 0xff;
      }
    }
    pack2Bit(L, lo, dst, b + QS);
  },
};

export const Q3_K = ggmlType('Q3_K', {
  // ggml: dequantize_row_q3_K
  dequantize(src, dst, nBlocks) {
    const scales = new Int8Array(16);
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      const dAll = readF16(src, b + D);
      unpackScales(src, b, scales);
      let q = b + QS;
      // hmask bit `bit` set means level - 0, clear means level - 4: as arithmetic, since a branch on random bits mispredicts.
      let bit = 0;
      let is = 0;
      for (let n = 0; n < QK_K; n += 128) {
        let shift = 0;
        for (let j = 0; j < 4; j++) {
          for (let half = 0; half < 2; half++) {
            const dl = f32(dAll * (scales[is++]! - 32));
            for (let l = half * 16; l < half * 16 + 16; l++) {
              dst[y++] = dl * (((src[q + l]! >> shift) & 3) - 4 + (((src[b + HMASK + l]! >> bit) & 1) << 2));
            }
          }
          shift += 2;
          bit++;
        }
        q += 32;
      }
    }
  },
  // ggml: quantize_row_q3_K_ref
  quantize(src, dst) {
    quantizeInPasses(src, dst, PASSES);
  },
});
