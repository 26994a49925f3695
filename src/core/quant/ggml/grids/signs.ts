// ggml-common.h ksigns_iq2xs and kmask_iq2xs (llama.cpp 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62), verbatim; written by scripts/build/portGgmlGrids.mjs.

/** 7 sign bits -> 8 sign bits with even parity (bit 7 makes the count of minus signs even). */
export const KSIGNS_IQ2XS = new Uint8Array([
  0, 129, 130, 3, 132, 5, 6, 135, 136, 9, 10, 139, 12, 141, 142, 15,
  144, 17, 18, 147, 20, 149, 150, 23, 24, 153, 154, 27, 156, 29, 30, 159,
  160, 33, 34, 163, 36, 165, 166, 39, 40, 169, 170, 43, 172, 45, 46, 175,
  48, 177, 178, 51, 180, 53, 54, 183, 184, 57, 58, 187, 60, 189, 190, 63,
  192, 65, 66, 195, 68, 197, 198, 71, 72, 201, 202, 75, 204, 77, 78, 207,
  80, 209, 210, 83, 212, 85, 86, 215, 216, 89, 90, 219, 92, 221, 222, 95,
  96, 225, 226, 99, 228, 101, 102, 231, 232, 105, 106, 235, 108, 237, 238, 111,
  240, 113, 114, 243, 116, 245, 246, 119, 120, 249, 250, 123, 252, 125, 126, 255,
]);

/** Bit j of a sign byte is the sign of value j. */
export const KMASK_IQ2XS = new Uint8Array([1, 2, 4, 8, 16, 32, 64, 128]);
