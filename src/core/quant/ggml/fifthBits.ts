/** Values per Q5_0 / Q5_1 block. // ggml-common.h: QK5_0, QK5_1 */
const BLOCK = 32;
const HALF = BLOCK / 2;

/**
 * Packs one block's 32 levels (bytes L[lo..lo + 32)) as Q5_0 and Q5_1 store them: the low nibbles
 * of values j and j + 16 in byte j at dst[at..], the fifth bits returned as the 32-bit qh.
 * // ggml-quants.c: quantize_row_q5_0_ref, quantize_row_q5_1_ref
 */
export function packFifthBits(L: Uint8Array, lo: number, dst: Uint8Array, at: number): number {
  let qh = 0;
  for (let j = 0; j < HALF; j++) {
    const xi0 = L[lo + j]!;
    const xi1 = L[lo + HALF + j]!;
    dst[at + j] = (xi0 & 0x0f) | ((xi1 & 0x0f) << 4);
    qh |= ((xi0 & 0x10) >>> 4) << j;
    qh |= ((xi1 & 0x10) >>> 4) << (j + HALF);
  }
  return qh;
}
