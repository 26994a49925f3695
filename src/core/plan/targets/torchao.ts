import type { Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { whyNotLinearWeight } from './hfLinear';
import { planTarget } from './planTarget';

/** Int4WeightOnlyConfig group sizes (torchao/quantization/quant_api.py: group_size in [32, 64, 128, 256]). */
const INT4_GROUPS = [32, 64, 128, 256] as const;
/** The output head: transformers' TorchAoHfQuantizer leaves modules_to_not_convert (get_keys_to_not_convert: lm_head) unquantized. */
const OUTPUT_HEAD = /(^|\.)lm_head\.weight$/;

function notPlanned(tensor: PlanTensor): string | null {
  const linear = whyNotLinearWeight(tensor);
  if (linear !== null) return linear;
  return OUTPUT_HEAD.test(tensor.name) ? 'transformers keeps the output head (lm_head) unquantized' : null;
}

/**
 * torchao quantize_ with FqnToConfig: Int4WeightOnlyConfig (int4 groups, a scale and a float zero
 * per group in the model dtype), Int8WeightOnlyConfig (per-channel scale in the model dtype),
 * Float8WeightOnlyConfig (per-row float32 scale); filter_fn quantizes nn.Linear only.
 */
export const TORCHAO_TARGET = planTarget({
  name: 'torchao',
  candidates: [
    // Int4Tensor.from_hp: scale.to(w.dtype), zero_point.to(w.dtype)
    ...INT4_GROUPS.map((group): Candidate => ({ kind: 'int', bits: 4, group, scale: 'source', zero: 'scale', convention: 'tinygemm' })),
    { kind: 'int', bits: 8, group: 'channel', scale: 'source', zero: 'none', convention: 'torchao-int8' },
    { kind: 'fp8', scale: 'channel', scaleType: 'F32' },
    { kind: 'keep' },
  ],
  defaultCandidates: ['int4_g128_asym', 'int8_ch', 'keep'],
  notPlanned,
  groupOf: () => null,
});
