/**
 * AWQ packed safetensors (AutoAWQ GEMM, 4 bits): `qweight` int32 [in, out / 8] and `qzeros` int32
 * [groups, out / 8] pack 8 output columns per word in the order [0, 2, 4, 6, 1, 3, 5, 7] (nibble i
 * holds column order_map[i]), `scales` [groups, out]; zero points are stored as they are.
 * Value: (q - z) * scales[g][o] in the scales' dtype, g = input row / group size, transposed to
 * the Linear's [out, in]. Source: AutoAWQ WQLinear_GEMM.from_linear (pack) and dequantize_gemm.
 */
import type { StorageDecoder } from './storage';
import { asFloats, asU32, eachCandidate, fail, memberOf } from './members';
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
  decodes: 'rows',
  // A logical row (output channel o) is a nibble of word column o / 8 of qweight and qzeros, and column o of scales: those columns are read.
  async decodeRows(group, source, { first, end }) {
    const [out, inFeatures] = group.shape as [number, number];
    const nGroups = group.params['groups'] as number;
    const groupSize = group.params['groupSize'] as number;
    const words = out / PER_WORD;
    const [w0, w1] = [Math.floor(first / PER_WORD), Math.ceil(end / PER_WORD)];
    const rows = end - first;
    const qweight = asU32(group, 'qweight', await source.readColumns(memberOf(group, 'qweight', source, inFeatures * words), words, w0, w1));
    const qzeros = asU32(group, 'qzeros', await source.readColumns(memberOf(group, 'qzeros', source, nGroups * words), words, w0, w1));
    const scales = asFloats(group, 'scales', await source.readColumns(memberOf(group, 'scales', source, nGroups * out), out, first, end));
    const spanWords = w1 - w0;
    const values = new Float32Array(rows * inFeatures);
    for (let i = 0; i < inFeatures; i++) {
      const g = Math.floor(i / groupSize);
      if (!(g < nGroups)) fail(group, `input row ${i} has no group among ${nGroups}`);
      for (let r = 0; r < rows; r++) {
        const o = first + r;
        const shift = AWQ_REVERSE_ORDER[o % PER_WORD]! * AWQ_BITS;
        const word = ((o / PER_WORD) | 0) - w0;
        const q = (qweight[i * spanWords + word]! >>> shift) & 0xf;
        const z = (qzeros[g * spanWords + word]! >>> shift) & 0xf;
        values[r * inFeatures + i] = (q - z) * scales[g * rows + r]!;
      }
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};
