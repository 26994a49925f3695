import type { PlanTensor } from '../planTypes';
import { fusedGroupOf, whyNotLinearWeight } from './hfLinear';
import { planTarget } from './planTarget';

/** pack-quantized int4 checkpoints store `weight_shape` (int64[2]) beside each weight. // compressed_tensors/compressors/quantized_compressors/pack_quantized.py */
const PACKED_SHAPE_BYTES = 16;

/** Every llm-compressor preset recipe and example: ignore: ["lm_head"]. */
const IGNORED = /(^|\.)lm_head\.weight$/;

function notPlanned(tensor: PlanTensor): string | null {
  const linear = whyNotLinearWeight(tensor);
  if (linear !== null) return linear;
  return IGNORED.test(tensor.name) ? "llm-compressor recipes ignore lm_head" : null;
}

/**
 * llm-compressor QuantizationModifier (compressed-tensors checkpoints, targets: Linear): the
 * preset schemes W4A16 (int4 groups of 128, symmetric), W4A16_ASYM, W8A16 / W8A8 (int8 per
 * channel), FP8 (per tensor), FP8_DYNAMIC (per channel), NVFP4; scales in the model dtype
 * (NVFP4: FP8 block scales + an FP32 global scale). vLLM fuses q/k/v and gate/up, so they share one scheme.
 */
export const LLM_COMPRESSOR_TARGET = planTarget({
  name: 'llm-compressor',
  candidates: [
    { kind: 'int', bits: 4, group: 128, scale: 'source', zero: 'none', convention: 'compressed-tensors' },
    { kind: 'int', bits: 4, group: 128, scale: 'source', zero: 'packed', convention: 'compressed-tensors' },
    { kind: 'int', bits: 8, group: 'channel', scale: 'source', zero: 'none', convention: 'compressed-tensors' },
    { kind: 'fp8', scale: 'tensor', scaleType: 'source' },
    { kind: 'fp8', scale: 'channel', scaleType: 'source' },
    { kind: 'nvfp4' },
    { kind: 'keep' },
  ],
  defaultCandidates: ['int4_g128', 'int8_ch', 'keep'],
  notPlanned,
  groupOf: fusedGroupOf,
  extraBytes: (candidate) => (candidate.kind === 'int' && candidate.bits === 4 ? PACKED_SHAPE_BYTES : 0),
});
