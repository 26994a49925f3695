/**
 * AWQ packed safetensors (AutoAWQ GEMM, 4 bits): `qweight` int32 [in, out / 8] and `qzeros` int32
 * [groups, out / 8] pack 8 output columns per word in the order [0, 2, 4, 6, 1, 3, 5, 7] (nibble i
 * holds column order_map[i]), `scales` [groups, out]; zero points are stored as they are.
 * Value: (q - z) * scales[g][o] in the scales' dtype, g = input row / group size, transposed to
 * the Linear's [out, in]. Source: AutoAWQ WQLinear_GEMM.from_linear (pack) and dequantize_gemm.
 */
import type { StorageDecoder } from './storage';
import { asFloats, asU32, eachCandidate, fail, readMember } from './members';
import { packedLinears } from './gptq';
import { outputOf, roundOutput, type OutputDType } from './precision';

const AWQ_BITS = 4;
const PER_WORD = 32 / AWQ_BITS;
/** Nibble that holds column k of a word: the inverse of AutoAWQ's order_map [0, 2, 4, 6, 1, 3, 5, 7]. */
const AWQ_REVERSE_ORDER = [0, 4, 1, 5, 2, 6, 3, 7];

export const AWQ: StorageDecoder = {
  id: 'awq',
  async find(summary, claimed) {
    return eachCandidate('awq', packedLinears(summary.tensors, claimed), (c) => `${c.prefix}.weight`, ({ prefix, qweight, qzeros, scales }) => {
      const [inFeatures, words] = qweight.shape as [number, number];
      const [nGroups, out] = scales.shape as [number, number];
      if (words * PER_WORD !== out || qzeros.shape[0] !== nGroups || qzeros.shape[1] !== words) return undefined;
      return {
        storage: 'awq',
        logical: `${prefix}.weight`,
        shape: [out, inFeatures],
        members: { qweight: qweight.name, qzeros: qzeros.name, scales: scales.name },
        params: { bits: AWQ_BITS, groupSize: Math.ceil(inFeatures / nGroups), groups: nGroups, output: outputOf(scales.dtype) },
      };
    });
  },
  async decode(group, read) {
    const [out, inFeatures] = group.shape as [number, number];
    const nGroups = group.params['groups'] as number;
    const groupSize = group.params['groupSize'] as number;
    const words = out / PER_WORD;
    const qweight = asU32(group, 'qweight', await readMember(group, 'qweight', read, inFeatures * words));
    const qzeros = asU32(group, 'qzeros', await readMember(group, 'qzeros', read, nGroups * words));
    const scales = asFloats(group, 'scales', await readMember(group, 'scales', read, nGroups * out));
    const values = new Float32Array(out * inFeatures);
    for (let i = 0; i < inFeatures; i++) {
      const g = Math.floor(i / groupSize);
      if (!(g < nGroups)) fail(group, `input row ${i} has no group among ${nGroups}`);
      for (let o = 0; o < out; o++) {
        const shift = AWQ_REVERSE_ORDER[o % PER_WORD]! * AWQ_BITS;
        const word = (o / PER_WORD) | 0;
        const q = (qweight[i * words + word]! >>> shift) & 0xf;
        const z = (qzeros[g * words + word]! >>> shift) & 0xf;
        values[o * inFeatures + i] = (q - z) * scales[g * out + o]!;
      }
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};
