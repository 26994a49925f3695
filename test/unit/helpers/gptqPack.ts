/**
 * GPTQ's 4-bit packing (AutoGPTQ / GPTQModel): qweight [in / 8, out] packs 8 input rows per int32,
 * qzeros [groups, out / 8] packs 8 output columns per int32 holding zero - 1, scales [groups, out].
 * For tests that synthesize large GPTQ tensors from code, zero and scale functions.
 */

/** 4-bit values per int32 word. */
export const GPTQ_PER_WORD = 8;

export interface GptqPacking {
  readonly qweight: Int32Array;
  readonly qzeros: Int32Array;
  readonly scales: Float32Array;
}

/** `code(i, o)` and `zero(g, o)` in [0, 16); `scale(o)` the scale of output o in every group. */
export function packGptq4(
  inputs: number, outputs: number, groups: number,
  code: (i: number, o: number) => number, zero: (g: number, o: number) => number, scale: (o: number) => number,
): GptqPacking {
  const qweight = new Int32Array((inputs / GPTQ_PER_WORD) * outputs);
  for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) qweight[(i >> 3) * outputs + o]! |= code(i, o) << ((i % GPTQ_PER_WORD) * 4);
  const qzeros = new Int32Array(groups * (outputs / GPTQ_PER_WORD));
  for (let g = 0; g < groups; g++) for (let o = 0; o < outputs; o++) qzeros[g * (outputs / GPTQ_PER_WORD) + (o >> 3)]! |= ((zero(g, o) - 1) & 15) << ((o % GPTQ_PER_WORD) * 4);
  const scales = new Float32Array(groups * outputs);
  for (let g = 0; g < groups; g++) for (let o = 0; o < outputs; o++) scales[g * outputs + o] = scale(o);
  return { qweight, qzeros, scales };
}
