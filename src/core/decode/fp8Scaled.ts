/**
 * FP8 weights with a dequantization scale, as ModelOpt, vLLM / llm-compressor ("float-quantized")
 * and DeepSeek-V3 save them: `x.weight` F8_E4M3 (or F8_E5M2) [out, in] and either
 * `x.weight_scale` (one value per tensor, or per output channel: [out] or [out, 1]) or
 * `x.weight_scale_inv` [ceil(out / 128), ceil(in / 128)] (one per 128 x 128 block; despite the
 * name it multiplies). `x.input_scale` (activations) belongs to the group but not to the weight.
 * Value: float32(weight) * scale, in float32. Source: vLLM fp8 / ModelOpt dequantize
 * (weight.to(float32) * weight_scale) and DeepSeek-V3 weight_dequant (128 x 128 blocks).
 */
import type { StorageDecoder } from './storage';
import { asFloats, byName, eachCandidate, fail, memberOf, stem } from './members';

const FP8_DTYPES = ['F8_E4M3', 'F8_E5M2'];
/** Block edge of DeepSeek-V3's weight_scale_inv. // DeepSeek-V3 config: weight_block_size [128, 128] */
const SCALE_BLOCK = 128;

export const FP8_SCALED: StorageDecoder = {
  id: 'fp8-scaled',
  async find(summary, claimed) {
    const named = byName(summary.tensors);
    return eachCandidate('fp8-scaled', summary.tensors, (t) => t.name, async (weight) => {
      const prefix = stem(weight.name, '.weight');
      if (prefix === undefined || claimed.has(weight.name) || !FP8_DTYPES.includes(weight.dtype) || weight.shape.length !== 2) return undefined;
      const [out, inFeatures] = weight.shape as [number, number];
      const perTensor = named.get(`${prefix}.weight_scale`);
      const blocked = named.get(`${prefix}.weight_scale_inv`);
      const scale = perTensor ?? blocked;
      if (!scale) return undefined;
      const count = scale.shape.reduce((a, b) => a * b, 1);
      let layout: string;
      if (blocked && !perTensor) {
        if (scale.shape[0] !== Math.ceil(out / SCALE_BLOCK) || scale.shape[1] !== Math.ceil(inFeatures / SCALE_BLOCK)) fail(weight.name, `weight_scale_inv [${scale.shape.join(', ')}] is not one per ${SCALE_BLOCK} x ${SCALE_BLOCK} block`);
        layout = 'block';
      } else if (count === 1) layout = 'tensor';
      else if (count === out && scale.shape[0] === out) layout = 'channel';
      else fail(weight.name, `weight_scale [${scale.shape.join(', ')}] is neither per tensor nor per output channel`);
      const members: Record<string, string> = { weight: weight.name, scale: scale.name };
      if (named.has(`${prefix}.input_scale`)) members['inputScale'] = `${prefix}.input_scale`;
      return { storage: 'fp8-scaled', logical: weight.name, shape: [out, inFeatures], members, params: { layout } };
    });
  },
  decodes: 'rows',
  // The weight holds the rows in order, the scale one value, one per row or a row per 128 rows: a span reads its rows.
  async decodeRows(group, source, { first, end }) {
    const [out, inFeatures] = group.shape as [number, number];
    const layout = group.params['layout'];
    const rows = end - first;
    const weight = asFloats(group, 'weight', await source.read(memberOf(group, 'weight', source, out * inFeatures), first * inFeatures, rows * inFeatures));
    const blockColumns = Math.ceil(inFeatures / SCALE_BLOCK);
    const scaleCount = layout === 'tensor' ? 1 : layout === 'channel' ? out : Math.ceil(out / SCALE_BLOCK) * blockColumns;
    const scaleName = memberOf(group, 'scale', source, scaleCount);
    const [s0, s1] = [Math.floor(first / SCALE_BLOCK), Math.ceil(end / SCALE_BLOCK)];
    const scale = asFloats(group, 'scale', await (layout === 'tensor' ? source.read(scaleName, 0, 1)
      : layout === 'channel' ? source.read(scaleName, first, rows) : source.read(scaleName, s0 * blockColumns, (s1 - s0) * blockColumns)));
    const values = new Float32Array(rows * inFeatures);
    for (let r = 0; r < rows; r++) {
      const o = first + r;
      for (let c = 0; c < inFeatures; c++) {
        const s = layout === 'tensor' ? scale[0]! : layout === 'channel' ? scale[r]! : scale[(Math.floor(o / SCALE_BLOCK) - s0) * blockColumns + Math.floor(c / SCALE_BLOCK)]!;
        values[r * inFeatures + c] = weight[r * inFeatures + c]! * s;
      }
    }
    return values;
  },
};
