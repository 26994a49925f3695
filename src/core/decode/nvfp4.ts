/**
 * NVFP4 weights: E2M1 codes two a byte (low nibble first) with an FP8 E4M3 scale per 16 values
 * and a float32 global scale. ModelOpt: `x.weight` uint8 [out, in / 2], `x.weight_scale` F8_E4M3
 * [out, in / 16], `x.weight_scale_2` float32 (multiplies), `x.input_scale` (activations).
 * compressed-tensors "nvfp4-pack-quantized": `x.weight_packed`, `x.weight_scale`,
 * `x.weight_global_scale` (divides).
 * Value: e2m1 * (float32(scale) * weight_scale_2), or e2m1 * (float32(scale) / global_scale), in float32.
 * Source: ModelOpt NVFP4QTensor (export), compressed_tensors nvfp4_quantized unpack_fp4_from_uint8 and
 * forward.dequantize (scale / global_scale).
 */
import type { MemberInfo, StorageDecoder } from './storage';
import { asFloats, asInts, byName, eachCandidate, fail, memberOf, stem } from './members';
import { f32 } from '../quant/ggml/cfloat';

/** Values sharing one FP8 scale. // NVFP4: block of 16 */
const NVFP4_BLOCK = 16;
/** E2M1 magnitudes by the low 3 bits; bit 3 is the sign. // compressed_tensors kE2M1ToFloat */
const E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];

/** Naming conventions: [packed suffix, global scale suffix, global scale multiplies?]. */
const CONVENTIONS = [['.weight', '.weight_scale_2', true], ['.weight_packed', '.weight_global_scale', false]] as const;

export const NVFP4: StorageDecoder = {
  id: 'nvfp4',
  async find(summary, claimed) {
    const named = byName(summary.tensors);
    const candidates = summary.tensors.flatMap((packed) => CONVENTIONS.map((convention) => ({ packed, convention })));
    return eachCandidate('nvfp4', candidates, ({ packed, convention }) => `${stem(packed.name, convention[0]) ?? packed.name}.weight`, ({ packed, convention }) => {
      const [packedSuffix, globalSuffix, multiplies] = convention;
      const prefix = stem(packed.name, packedSuffix);
      if (prefix === undefined || claimed.has(packed.name) || packed.dtype !== 'U8' || packed.shape.length !== 2) return undefined;
      const scale: MemberInfo | undefined = named.get(`${prefix}.weight_scale`);
      const global = named.get(`${prefix}${globalSuffix}`);
      if (!scale || !global || scale.dtype !== 'F8_E4M3') return undefined;
      const [out, halfIn] = packed.shape as [number, number];
      const inFeatures = 2 * halfIn;
      if (scale.shape[0] !== out || scale.shape[1] !== Math.ceil(inFeatures / NVFP4_BLOCK)) fail(`${prefix}.weight`, `weight_scale [${scale.shape.join(', ')}] is not one per ${NVFP4_BLOCK} values of [${out}, ${inFeatures}]`);
      const members: Record<string, string> = { packed: packed.name, scale: scale.name, global: global.name };
      if (named.has(`${prefix}.input_scale`)) members['inputScale'] = `${prefix}.input_scale`;
      return { storage: 'nvfp4', logical: `${prefix}.weight`, shape: [out, inFeatures], members, params: { globalMultiplies: multiplies ? 1 : 0 } };
    });
  },
  decodes: 'rows',
  // Codes and block scales hold the rows in order (an even row length: no byte straddles two rows): a span reads its rows.
  async decodeRows(group, source, { first, end }) {
    const [out, inFeatures] = group.shape as [number, number];
    const blocks = Math.ceil(inFeatures / NVFP4_BLOCK);
    const rows = end - first;
    const half = inFeatures / 2;
    const packed = asInts(group, 'packed', await source.read(memberOf(group, 'packed', source, out * half), first * half, rows * half));
    const scale = asFloats(group, 'scale', await source.read(memberOf(group, 'scale', source, out * blocks), first * blocks, rows * blocks));
    const global = asFloats(group, 'global', await source.read(memberOf(group, 'global', source, 1), 0, 1))[0]!;
    const multiplies = group.params['globalMultiplies'] === 1;
    const values = new Float32Array(rows * inFeatures);
    for (let r = 0; r < rows; r++) {
      for (let b = 0; b < blocks; b++) {
        const s = scale[r * blocks + b]!;
        const blockScale = f32(multiplies ? s * global : s / global);
        for (let c = b * NVFP4_BLOCK; c < Math.min(inFeatures, (b + 1) * NVFP4_BLOCK); c++) {
          const i = r * inFeatures + c;
          const code = (packed[i >> 1]! >> (i % 2 === 0 ? 0 : 4)) & 0xf;
          values[i] = (code & 8 ? -E2M1[code & 7]! : E2M1[code & 7]!) * blockScale;
        }
      }
    }
    return values;
  },
};
