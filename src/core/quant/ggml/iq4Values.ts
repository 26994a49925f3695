/** The 16 non-linear levels of IQ4_NL and IQ4_XS. // ggml-common.h: kvalues_iq4nl */
export const KVALUES_IQ4NL: readonly number[] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];
