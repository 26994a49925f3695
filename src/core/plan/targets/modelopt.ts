import { candidateName, type Candidate } from '../costModel';
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

/** Bytes of the float32 scalar input_scale export_hf_checkpoint writes beside a weight whose input quantizer is calibrated. */
const INPUT_SCALE_BYTES = 4;
/**
 * Candidates whose config calibrates the input quantizer (NVFP4_DEFAULT_CFG, FP8_DEFAULT_CFG,
 * INT8_SMOOTHQUANT_CFG; INT4_AWQ_CFG disables it), as the plan's quant_cfg export enables them:
 * _export_quantized_weight registers input_scale = get_activation_scaling_factor(...).squeeze(),
 * amax.float() / maxbound, a float32 scalar. (TensorRT-Model-Optimizer
 * modelopt/torch/export/unified_export_hf.py @ 04a3a994f13087413f05e0c7c222d28263eb5378)
 */
const INPUT_SCALED = new Set(['nvfp4', 'fp8', 'int8_ch']);

/** The plan's export runs algorithm "max" (no AWQ search), so no pre_quant_scale is written; only the input_scale is beside the weight's own tensors. */
function extraBytes(candidate: Candidate): number {
  return INPUT_SCALED.has(candidateName(candidate)) ? INPUT_SCALE_BYTES : 0;
}

/** pack_int4_in_uint8 packs two output channels per byte and asserts an even output dimension. */
function refusal(candidate: Candidate, tensor: PlanTensor): string | null {
  const outFeatures = tensor.ne[1] ?? 1;
  return candidate.kind === 'int' && candidate.bits === 4 && outFeatures % 2 !== 0
    ? `ModelOpt packs int4 weights two output channels per byte: ${outFeatures} output channels is odd`
    : null;
}

/**
 * NVIDIA ModelOpt (mtq.quantize / auto_quantize, exported with export_hf_checkpoint): NVFP4,
 * FP8 per tensor, INT4 AWQ (int4 blocks of 128, symmetric), INT8 per channel; q/k/v, gate/up and
 * a layer's experts share one format (auto_quantize's grouping). What the export writes per weight
 * (TensorRT-Model-Optimizer modelopt/torch/export/quant_utils.py @ 0338c843da9ab44e46b3da659ca469b8886b631c
 * get_scaling_factor / get_weight_scaling_factor / to_quantized_weight, unified_export_hf.py @ 04a3a994
 * _export_quantized_weight; save_pretrained keeps each tensor's dtype):
 * - nvfp4: weight uint8 [out, in/2], weight_scale float8_e4m3fn [out, in/16], weight_scale_2 and input_scale float32 scalars;
 * - fp8: weight float8_e4m3fn [out, in], weight_scale (torch.tensor(amax / 448)) and input_scale float32 scalars;
 * - int4_g128: weight uint8 [out/2, in], weight_scale float32 [out, in/128] (amax.float() / 7), no input_scale;
 * - int8_ch: weight int8 [out, in], weight_scale float32 [out] (amax.float() / 127), input_scale float32 scalar.
 */
export const MODELOPT_TARGET = planTarget({
  name: 'modelopt',
  candidates: [
    { kind: 'nvfp4' },
    { kind: 'fp8', scale: 'tensor', scaleType: 'F32' },
    { kind: 'int', bits: 4, group: 128, scale: 'F32', zero: 'none', convention: 'modelopt' },
    { kind: 'int', bits: 8, group: 'channel', scale: 'F32', zero: 'none', convention: 'modelopt' },
    { kind: 'keep' },
  ],
  // auto_quantize's default quantization_formats, plus leaving a layer unquantized
  defaultCandidates: ['nvfp4', 'fp8', 'keep'],
  notPlanned,
  groupOf: fusedGroupOf,
  extraBytes,
  refusal,
});
