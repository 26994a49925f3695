/**
 * GPTQ packed safetensors (AutoGPTQ / GPTQModel "gptq" checkpoint format v1): `qweight` int32
 * [in * bits / 32, out] packs input rows low bits first, `qzeros` int32 [groups, out * bits / 32]
 * packs output columns low bits first and holds zero - 1, `scales` [groups, out], optional `g_idx`
 * int32 [in] (act-order group of each input row, else row / group size).
 * Value: scales[g][o] * (q - ((z + 1) mod 2^bits)) in the scales' dtype, transposed to the Linear's
 * [out, in]. Source: AutoGPTQ qlinear_cuda_old (pack: intweight << bits * (j - i), zeros -= 1; the
 * torch dequantization that unpacks zeros + 1 masked to `bits`).
 */
import type { MemberInfo, StorageDecoder } from './storage';
import { asFloats, asInts, asU32, byName, eachCandidate, fail, memberOf, stem } from './members';
import { outputOf, roundOutput, type OutputDType } from './precision';

/** Widths whose codes tile a 32-bit word (3-bit GPTQ straddles words and is not read here). */
const GPTQ_BITS = [2, 4, 8];

interface PackedLinear {
  readonly prefix: string;
  readonly qweight: MemberInfo;
  readonly qzeros: MemberInfo;
  readonly scales: MemberInfo;
}

/** `prefix.qweight` + `prefix.qzeros` + `prefix.scales`, all 2-D with int32 words, unclaimed. */
export function packedLinears(tensors: readonly MemberInfo[], claimed: ReadonlySet<string>): PackedLinear[] {
  const named = byName(tensors);
  const out: PackedLinear[] = [];
  for (const qweight of tensors) {
    const prefix = stem(qweight.name, '.qweight');
    if (prefix === undefined || claimed.has(qweight.name)) continue;
    const qzeros = named.get(`${prefix}.qzeros`);
    const scales = named.get(`${prefix}.scales`);
    if (!qzeros || !scales || qweight.shape.length !== 2 || qzeros.shape.length !== 2 || scales.shape.length !== 2) continue;
    if (qweight.dtype !== 'I32' || qzeros.dtype !== 'I32') continue;
    out.push({ prefix, qweight, qzeros, scales });
  }
  return out;
}

export const GPTQ: StorageDecoder = {
  id: 'gptq',
  async find(summary, claimed) {
    const named = byName(summary.tensors);
    return eachCandidate('gptq', packedLinears(summary.tensors, claimed), (c) => `${c.prefix}.weight`, ({ prefix, qweight, qzeros, scales }) => {
      const [packedRows, out] = qweight.shape as [number, number];
      const [nGroups, scaleColumns] = scales.shape as [number, number];
      // GPTQ keeps the output width in qweight; AWQ packs it.
      if (out !== scaleColumns || qzeros.shape[0] !== nGroups) return undefined;
      const bits = (32 * qzeros.shape[1]!) / out;
      const inFeatures = Math.round((packedRows * 32) / bits);
      const gIdx = named.get(`${prefix}.g_idx`);
      if (gIdx && (gIdx.shape.length !== 1 || gIdx.shape[0] !== inFeatures)) fail(`${prefix}.weight`, `g_idx has shape [${gIdx.shape.join(', ')}], [${inFeatures}] expected`);
      const members: Record<string, string> = { qweight: qweight.name, qzeros: qzeros.name, scales: scales.name };
      if (gIdx) members['g_idx'] = gIdx.name;
      return {
        storage: 'gptq',
        logical: `${prefix}.weight`,
        shape: [out, inFeatures],
        members,
        params: { bits, groupSize: Math.ceil(inFeatures / nGroups), groups: nGroups, output: outputOf(scales.dtype) },
      };
    });
  },
  decodes: 'rows',
  // A logical row (output channel o) is column o of qweight and scales and one nibble of a qzeros column: the rows' columns are read.
  async decodeRows(group, source, { first, end }) {
    const [out, inFeatures] = group.shape as [number, number];
    const bits = group.params['bits'] as number;
    if (!GPTQ_BITS.includes(bits)) fail(group, `GPTQ codes of ${bits} bits are not supported (${GPTQ_BITS.join(', ')})`);
    const nGroups = group.params['groups'] as number;
    const groupSize = group.params['groupSize'] as number;
    const perWord = 32 / bits;
    const mask = (1 << bits) - 1;
    const zeroWords = out / perWord;
    const [w0, w1] = [Math.floor(first / perWord), Math.ceil(end / perWord)];
    const rows = end - first;
    const qweight = asU32(group, 'qweight', await source.readColumns(memberOf(group, 'qweight', source, (inFeatures / perWord) * out), out, first, end));
    const qzeros = asU32(group, 'qzeros', await source.readColumns(memberOf(group, 'qzeros', source, nGroups * zeroWords), zeroWords, w0, w1));
    const scales = asFloats(group, 'scales', await source.readColumns(memberOf(group, 'scales', source, nGroups * out), out, first, end));
    // g_idx indexes the input columns, which every row has: read whole (in values, one row's worth).
    const gIdx = group.members['g_idx'] ? asInts(group, 'g_idx', await source.read(memberOf(group, 'g_idx', source, inFeatures), 0, inFeatures)) : undefined;
    const values = new Float32Array(rows * inFeatures);
    for (let i = 0; i < inFeatures; i++) {
      const g = gIdx ? gIdx[i]! : Math.floor(i / groupSize);
      if (!(g >= 0 && g < nGroups)) fail(group, `g_idx[${i}] = ${g} is outside 0..${nGroups - 1}`);
      const wordRow = Math.floor(i / perWord) * rows;
      const shift = (i % perWord) * bits;
      for (let r = 0; r < rows; r++) {
        const o = first + r;
        const q = (qweight[wordRow + r]! >>> shift) & mask;
        // Stored zero - 1 wraps: 2^bits - 1 stands for zero 0. // AutoGPTQ: bitwise_and(zeros + 1, 2**bits - 1)
        const z = (((qzeros[g * (w1 - w0) + Math.floor(o / perWord) - w0]! >>> ((o % perWord) * bits)) & mask) + 1) & mask;
        values[r * inFeatures + i] = scales[g * rows + r]! * (q - z);
      }
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};
