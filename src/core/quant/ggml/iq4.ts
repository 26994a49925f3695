import { GGML_LAYOUTS, QK_K } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { f32, nearestInt } from './cfloat';
import { readF16, writeF16 } from './fp16';
import { readU16, writeU16 } from './bytes';
import { forEachChunk, quantizeInPasses, type Passes } from './chunks';
import { KVALUES_IQ4NL } from './kvalues';
import type { GgmlKernels } from './wasm/module';

/** Values and bytes per IQ4_NL block: fp16 d + 16 bytes of nibbles. // ggml-common.h: QK4_NL, block_iq4_nl */
const { blockSize: QK4_NL, typeSize: NL_BYTES } = GGML_LAYOUTS.IQ4_NL;
/** fp16 d, u16 scales_h, scales_l[4], qs[128]. // ggml-common.h: block_iq4_xs */
const XS_SCALES_H = 2;
const XS_SCALES_L = 4;
const XS_QS = 8;
const XS_BYTES = GGML_LAYOUTS.IQ4_XS.typeSize;
const XS_SUB = QK_K / 32;

/** Packs 32 levels of each sub-block (from L[lo]) as nibbles: j with j + 16. */
function packNibbles(L: Uint8Array, lo: number, size: number, dst: Uint8Array, q4: number): void {
  for (let i = 0; i < size / 32; i++) {
    for (let j = 0; j < 16; j++) dst[q4 + 16 * i + j] = L[lo + 32 * i + j]! | (L[lo + 32 * i + 16 + j]! << 4);
  }
}

/**
 * IQ4_XS block i of the chunk from its sub-block fits: d = -max_scale / 32 and the 6-bit sub-block
 * scales at dst[b], each sub-block's inverse quantized scale for the levels kernel. // ggml: quantize_row_iq4_nl_impl
 */
function scaleXs(k: GgmlKernels, i: number, dst: Uint8Array, b: number): boolean {
  const s = i * XS_SUB;
  let maxScale = 0;
  let amaxScale = 0;
  for (let ib = s; ib < s + XS_SUB; ib++) {
    const d = k.scales[ib]!;
    if (Math.abs(d) > amaxScale) {
      amaxScale = Math.abs(d);
      maxScale = d;
    }
  }
  const d = f32(-maxScale / 32);
  writeF16(dst, b, d);
  const id = d ? f32(1 / d) : 0;
  let scalesH = 0;
  for (let ib = 0; ib < XS_SUB; ib++) {
    let l = Math.max(-32, Math.min(31, nearestInt(f32(id * k.scales[s + ib]!))));
    const dl = f32(d * l);
    k.scales[s + ib] = dl ? f32(1 / dl) : 0;
    l += 32;
    const lLow = l & 0xf;
    const lHigh = (l >> 4) & 0xff;
    const at = b + XS_SCALES_L + (ib >> 1);
    dst[at] = ib % 2 === 0 ? lLow : dst[at]! | (lLow << 4);
    scalesH |= lHigh << (2 * (ib % 8));
  }
  writeU16(dst, b + XS_SCALES_H, scalesH);
  return true;
}

const XS_PASSES: Passes = {
  blockSize: QK_K,
  blockBytes: XS_BYTES,
  fit: 'iq4_xs',
  scale: scaleXs,
  levels: 'iq4_xs_levels',
  pack(L, lo, dst, b) {
    packNibbles(L, lo, QK_K, dst, b + XS_QS);
  },
};

export const IQ4_NL = ggmlType('IQ4_NL', {
  // ggml: dequantize_row_iq4_nl
  dequantize(src, dst, nBlocks) {
    for (let i = 0; i < nBlocks; i++) {
      const b = i * NL_BYTES;
      const d = readF16(src, b);
      for (let j = 0; j < QK4_NL / 2; j++) {
        const q = src[b + 2 + j]!;
        dst[i * QK4_NL + j] = d * KVALUES_IQ4NL[q & 0xf]!;
        dst[i * QK4_NL + j + QK4_NL / 2] = d * KVALUES_IQ4NL[q >> 4]!;
      }
    }
  },
  // ggml: quantize_row_iq4_nl_ref (one sub-block, no extra scales tried: d and the first levels stay)
  quantize(src, dst) {
    forEachChunk(src, QK4_NL, (k, first, m) => {
      k.run('iq4_nl', m * QK4_NL);
      for (let i = 0; i < m; i++) {
        const b = (first + i) * NL_BYTES;
        writeF16(dst, b, k.scales[i]!);
        packNibbles(k.levels, i * QK4_NL, QK4_NL, dst, b + 2);
      }
    });
  },
});

export const IQ4_XS = ggmlType('IQ4_XS', {
  // ggml: dequantize_row_iq4_xs
  dequantize(src, dst, nBlocks) {
    let y = 0;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * XS_BYTES;
      const d = readF16(src, b);
      const scalesH = readU16(src, b + XS_SCALES_H);
      for (let ib = 0; ib < QK_K / 32; ib++) {
        const ls = ((src[b + XS_SCALES_L + (ib >> 1)]! >> (4 * (ib % 2))) & 0xf) | (((scalesH >> (2 * ib)) & 3) << 4);
        const dl = f32(d * (ls - 32));
        const qs = b + XS_QS + 16 * ib;
        for (let j = 0; j < 16; j++) {
          dst[y + j] = dl * KVALUES_IQ4NL[src[qs + j]! & 0xf]!;
          dst[y + j + 16] = dl * KVALUES_IQ4NL[src[qs + j]! >> 4]!;
        }
        y += 32;
      }
    }
  },
  // ggml: quantize_row_iq4_xs_ref -> quantize_iq4_xs(x, y, 1, k, NULL)
  quantize(src, dst) {
    quantizeInPasses(src, dst, XS_PASSES);
  },
});
