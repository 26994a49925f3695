/**
 * A model of no architecture llama.cpp's converter knows (no config.json, or an architecture the
 * HF -> GGUF mapping has no names for; or an npz, PyTorch or ONNX file), planned as llama-quantize
 * treats tensors it has no rule for: names kept as they are, every weight of 2+ dimensions at the
 * preset's default type with its fallbacks (whyNotQuantized and the rules decide, as for any GGUF),
 * everything else F32. Checked against the real llama-quantize on a GGUF holding the bundled
 * sample's tensors (scripts/fixtures/fixtures_plan_generic.py).
 */
import type { Model } from '../../tensor';
import { typeBytes } from '../costModel';
import type { PlanTensor, PlanType } from '../planTypes';
import { ggmlDims } from './notQuantized';
import type { LlamaModel } from './planPreset';

/** Stored float types a converter keeps for weights; anything else is written as F32. */
const KEPT_FLOATS: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);

/** No layer rule reads these: a generic model has no blocks, heads or experts llama-quantize could count. */
const NO_FACTS = { architecture: 'generic', nLayer: 0, nHead: 0, nHeadKv: 0, nExpert: 0 } as const;

/** The type a tensor would have in the GGUF: a weight of 2+ dimensions keeps F16/BF16, the rest is F32. */
function ggufType(name: string, dtype: string, ne: readonly number[]): PlanType {
  return ggmlDims(ne) >= 2 && name.endsWith('weight') && KEPT_FLOATS.has(dtype) ? (dtype as PlanType) : 'F32';
}

export function genericLlamaModel(model: Model, why: string): LlamaModel {
  return {
    facts: NO_FACTS,
    generic: why,
    tensors: model.tensors.map((t): PlanTensor => {
      const ne = [...t.shape].reverse();
      const type = ggufType(t.name, t.dtype, ne);
      return { name: t.name, ne, numel: t.numel, type, bytes: typeBytes(type, ne) };
    }),
  };
}
