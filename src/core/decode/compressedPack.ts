/**
 * compressed-tensors "pack-quantized" (llm-compressor): `x.weight_packed` int32 [out, ceil(in / p)]
 * packs p = 32 / bits codes per word along the row, low bits first, each code stored as
 * value + 2^(bits - 1); `x.weight_scale` [out, groups] (groups = 1 per channel); optional
 * `x.weight_zero_point` (asymmetric: packed the same way along dim 0), `x.weight_g_idx` [in];
 * `x.weight_shape` [2] holds [out, in].
 * Value: (q - zero_point) * scale in the scale's dtype. Source: compressed_tensors
 * PackedQuantizationCompressor (pack_to_int32 / unpack_from_int32) and quantization forward._dequantize.
 */
import type { StorageDecoder } from './storage';
import { asFloats, asInts, asU32, byName, eachCandidate, fail, memberOf, stem } from './members';
import { outputOf, roundOutput, type OutputDType } from './precision';

/** Code widths compressed-tensors packs into int32 words. */
const PACK_BITS = [2, 4, 8];

export const COMPRESSED_PACK: StorageDecoder = {
  id: 'compressed-pack',
  async find(summary, claimed, read) {
    const named = byName(summary.tensors);
    return eachCandidate('compressed-pack', summary.tensors, (t) => `${stem(t.name, '.weight_packed') ?? t.name}.weight`, async (packed) => {
      const prefix = stem(packed.name, '.weight_packed');
      if (prefix === undefined || claimed.has(packed.name) || packed.dtype !== 'I32' || packed.shape.length !== 2) return undefined;
      const logical = `${prefix}.weight`;
      const scale = named.get(`${prefix}.weight_scale`);
      const shapeMember = named.get(`${prefix}.weight_shape`);
      if (!scale || !shapeMember) return undefined;
      const shapeValues = await read(shapeMember.name);
      if (shapeValues.length !== 2) fail(logical, `weight_shape holds ${shapeValues.length} values, 2 expected`);
      const [out, inFeatures] = [Number(shapeValues[0]), Number(shapeValues[1])];
      const bits = PACK_BITS.find((b) => Math.ceil(inFeatures / (32 / b)) === packed.shape[1]);
      if (bits === undefined || out !== packed.shape[0]) fail(logical, `weight_packed [${packed.shape.join(', ')}] does not pack [${out}, ${inFeatures}] at 2, 4 or 8 bits`);
      const nGroups = scale.shape.length === 2 ? scale.shape[1]! : 1;
      const members: Record<string, string> = { packed: packed.name, scale: scale.name, shape: shapeMember.name };
      for (const [role, suffix] of [['zeroPoint', 'weight_zero_point'], ['gIdx', 'weight_g_idx']] as const) {
        if (named.has(`${prefix}.${suffix}`)) members[role] = `${prefix}.${suffix}`;
      }
      return {
        storage: 'compressed-pack',
        logical,
        shape: [out, inFeatures],
        members,
        params: { bits, groups: nGroups, groupSize: Math.ceil(inFeatures / nGroups), output: outputOf(scale.dtype) },
      };
    });
  },
  decodes: 'rows',
  // weight_packed and weight_scale hold a row per output row, weight_zero_point a word row per 32 / bits rows: a span reads its rows.
  async decodeRows(group, source, { first, end }) {
    const [out, inFeatures] = group.shape as [number, number];
    const bits = group.params['bits'] as number;
    const nGroups = group.params['groups'] as number;
    const groupSize = group.params['groupSize'] as number;
    const perWord = 32 / bits;
    const mask = (1 << bits) - 1;
    const offset = 1 << (bits - 1);
    const words = Math.ceil(inFeatures / perWord);
    const rows = end - first;
    const packed = asU32(group, 'packed', await source.read(memberOf(group, 'packed', source, out * words), first * words, rows * words));
    const scale = asFloats(group, 'scale', await source.read(memberOf(group, 'scale', source, out * nGroups), first * nGroups, rows * nGroups));
    const [z0, z1] = [Math.floor(first / perWord), Math.ceil(end / perWord)];
    const zeroPoint = group.members['zeroPoint']
      ? asU32(group, 'zeroPoint', await source.read(memberOf(group, 'zeroPoint', source, Math.ceil(out / perWord) * nGroups), z0 * nGroups, (z1 - z0) * nGroups))
      : undefined;
    // g_idx indexes the input columns, which every row has: read whole (in values, one row's worth).
    const gIdx = group.members['gIdx'] ? asInts(group, 'gIdx', await source.read(memberOf(group, 'gIdx', source, inFeatures), 0, inFeatures)) : undefined;
    const values = new Float32Array(rows * inFeatures);
    for (let r = 0; r < rows; r++) {
      const o = first + r;
      for (let c = 0; c < inFeatures; c++) {
        const g = gIdx ? gIdx[c]! : Math.floor(c / groupSize);
        if (!(g >= 0 && g < nGroups)) fail(group, `group ${g} of column ${c} is outside 0..${nGroups - 1}`);
        const q = ((packed[r * words + Math.floor(c / perWord)]! >>> ((c % perWord) * bits)) & mask) - offset;
        // Zero points pack along dim 0: word row o / perWord, column g.
        const z = zeroPoint ? ((zeroPoint[(Math.floor(o / perWord) - z0) * nGroups + g]! >>> ((o % perWord) * bits)) & mask) - offset : 0;
        values[r * inFeatures + c] = (q - z) * scale[r * nGroups + g]!;
      }
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};
