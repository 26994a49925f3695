import type { PlanTensor } from '../planTypes';
import { fusedGroupOf, globRegex, moduleOf, whyNotLinearWeight } from './hfLinear';
import { planTarget } from './planTarget';

/**
 * ModelOpt's default exclusions, matched (fnmatch) against the weight quantizer's name
 * `<module>.weight_quantizer`: modelopt/torch/quantization/config.py
 * _default_disabled_quantizer_cfg (the nn.BatchNorm / LeakyReLU entries have no weights here).
 */
const DISABLED: readonly (readonly [RegExp, string])[] = (
  [
    ['*lm_head*', 'the output head (*lm_head*)'],
    ['*proj_out.*', 'the output head (*proj_out.*)'],
    ['*block_sparse_moe.gate*', 'the MoE router (*block_sparse_moe.gate*)'],
    ['*router*', 'the MoE router (*router*)'],
    ['*mlp.gate.*', 'the MoE router (*mlp.gate.*)'],
    ['*mlp.shared_expert_gate.*', 'the shared-expert gate (*mlp.shared_expert_gate.*)'],
    ['*linear_attn.conv1d*', 'a conv1d (*linear_attn.conv1d*)'],
    ['*mixer.conv1d*', 'a conv1d (*mixer.conv1d*)'],
    ['*output_layer*', 'the output layer (*output_layer*)'],
    ['output.*', 'the output layer (output.*)'],
  ] as const
).map(([glob, reason]) => [globRegex(glob), reason] as const);

function notPlanned(tensor: PlanTensor): string | null {
  const linear = whyNotLinearWeight(tensor);
  if (linear !== null) return linear;
  const quantizer = `${moduleOf(tensor)}.weight_quantizer`;
  const hit = DISABLED.find(([pattern]) => pattern.test(quantizer));
  return hit ? `ModelOpt disables ${hit[1]} by default` : null;
}

/**
 * NVIDIA ModelOpt (mtq.quantize / auto_quantize, exported with export_hf_checkpoint): NVFP4,
 * FP8 per tensor, INT4 AWQ (int4 blocks of 128, symmetric, scales in the model dtype), INT8
 * per channel; q/k/v, gate/up and a layer's experts share one format (auto_quantize's grouping).
 */
export const MODELOPT_TARGET = planTarget({
  name: 'modelopt',
  candidates: [
    { kind: 'nvfp4' },
    { kind: 'fp8', scale: 'tensor', scaleType: 'F32' },
    { kind: 'int', bits: 4, group: 128, scale: 'source', zero: 'none', convention: 'modelopt' },
    { kind: 'int', bits: 8, group: 'channel', scale: 'source', zero: 'none', convention: 'modelopt' },
    { kind: 'keep' },
  ],
  // auto_quantize's default quantization_formats, plus leaving a layer unquantized
  defaultCandidates: ['nvfp4', 'fp8', 'keep'],
  notPlanned,
  groupOf: fusedGroupOf,
});
