/** ggml's non-linear level tables (ggml-common.h), shared by the quantizers and the SIMD kernels. */

/** The 16 non-linear levels of IQ4_NL and IQ4_XS. // ggml-common.h: kvalues_iq4nl */
export const KVALUES_IQ4NL: readonly number[] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

/** MXFP4's E2M1 values doubled, so they are integers; the scale carries the half. // ggml-common.h: kvalues_mxfp4 */
export const KVALUES_MXFP4: readonly number[] = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];
