import { UsageError } from '../../errors';
import { candidateName, type Candidate } from '../costModel';
import type { Plan, PlannedTensor, PlanTargetName, PlanTensor } from '../planTypes';
import type { PlanTarget } from './planTarget';


/** A tool's stock recipe: one candidate for every tensor the tool quantizes, its exclusions kept. */
export interface TargetPreset {
  /** The candidate's name in the target's table. */
  readonly candidate: string;
  /** Where the recipe is defined, for the plan's reasons. */
  readonly source: string;
}

/**
 * Stock recipes of the targets other than llama.cpp (whose ftypes are llamaCpp/ftypes.ts), by the
 * name the tool gives them. Weight storage only: W4A8_AWQ stores INT4 AWQ weights, W8A8 int8 per channel.
 */
export const TARGET_PRESETS: Readonly<Record<Exclude<PlanTargetName, 'llama.cpp'>, Readonly<Record<string, TargetPreset>>>> = {
  modelopt: {
    // modelopt/torch/quantization/config.py
    NVFP4_DEFAULT_CFG: { candidate: 'nvfp4', source: 'ModelOpt NVFP4_DEFAULT_CFG' },
    FP8_DEFAULT_CFG: { candidate: 'fp8', source: 'ModelOpt FP8_DEFAULT_CFG' },
    INT4_AWQ_CFG: { candidate: 'int4_g128', source: 'ModelOpt INT4_AWQ_CFG (block 128)' },
    W4A8_AWQ_BETA_CFG: { candidate: 'int4_g128', source: 'ModelOpt W4A8_AWQ_BETA_CFG (INT4 AWQ weights, block 128)' },
    INT8_SMOOTHQUANT_CFG: { candidate: 'int8_ch', source: 'ModelOpt INT8_SMOOTHQUANT_CFG (per channel)' },
  },
  'llm-compressor': {
    // compressed_tensors/quantization/quant_scheme.py PRESET_SCHEMES
    W4A16: { candidate: 'int4_g128', source: 'llm-compressor scheme W4A16 (group 128, symmetric)' },
    W4A16_ASYM: { candidate: 'int4_g128_asym', source: 'llm-compressor scheme W4A16_ASYM (group 128)' },
    W8A16: { candidate: 'int8_ch', source: 'llm-compressor scheme W8A16 (per channel)' },
    W8A8: { candidate: 'int8_ch', source: 'llm-compressor scheme W8A8 (per-channel weights)' },
    FP8: { candidate: 'fp8', source: 'llm-compressor scheme FP8 (per tensor)' },
    FP8_DYNAMIC: { candidate: 'fp8_ch', source: 'llm-compressor scheme FP8_DYNAMIC (per channel)' },
    NVFP4: { candidate: 'nvfp4', source: 'llm-compressor scheme NVFP4' },
  },
  torchao: {
    // torchao/quantization/quant_api.py
    Int4WeightOnlyConfig: { candidate: 'int4_g128_asym', source: 'torchao Int4WeightOnlyConfig (group_size 128)' },
    Int8WeightOnlyConfig: { candidate: 'int8_ch', source: 'torchao Int8WeightOnlyConfig' },
    Float8WeightOnlyConfig: { candidate: 'fp8_ch', source: 'torchao Float8WeightOnlyConfig' },
  },
  onnxruntime: {
    // onnxruntime/python/tools/quantization: matmul_nbits_quantizer.py DefaultWeightOnlyQuantConfig, quantize.py quantize_static
    MatMulNBits: { candidate: 'int4_g128_asym', source: 'ONNX Runtime MatMulNBits (block_size 128, is_symmetric False)' },
    MatMulNBits_symmetric: { candidate: 'int4_g128', source: 'ONNX Runtime MatMulNBits (block_size 128, is_symmetric True)' },
    QDQ_QInt8_per_channel: { candidate: 'int8_ch', source: 'ONNX Runtime quantize_static QInt8 weights, per_channel' },
    QDQ_QInt8: { candidate: 'int8_tensor', source: 'ONNX Runtime quantize_static QInt8 weights' },
  },
};

export function presetOf(target: PlanTarget, name: string): TargetPreset {
  if (target.name === 'llama.cpp') throw new UsageError('llama.cpp presets are planned by llamaCpp/planPreset.ts');
  const presets = TARGET_PRESETS[target.name];
  const preset = Object.prototype.hasOwnProperty.call(presets, name) ? presets[name] : undefined;
  if (!preset) throw new UsageError(`unknown ${target.name} preset '${name}' (one of ${Object.keys(presets).join(', ')})`);
  return preset;
}

/**
 * The stock recipes a budget plan over `candidates` shows beside its front by default: each
 * storage once (the first preset of the table that writes it), only those the solver could choose.
 */
export function presetsAmong(target: PlanTarget, candidates: readonly Candidate[]): string[] {
  if (target.name === 'llama.cpp') return [];
  const names = new Set(candidates.map(candidateName));
  const seen = new Set<string>();
  return Object.entries(TARGET_PRESETS[target.name]).flatMap(([name, preset]) => {
    if (!names.has(preset.candidate) || seen.has(preset.candidate)) return [];
    seen.add(preset.candidate);
    return [name];
  });
}

function kept(t: PlanTensor, reason: string): PlannedTensor {
  return { name: t.name, type: t.type, candidate: { kind: 'keep' }, bytes: t.bytes, requested: null, reason: `kept as ${t.type}: ${reason}` };
}

/** The tools other than llama.cpp plan the file's own tensors: none merged, so no architecture names them. */
export const OWN_NAMES = { architecture: '' } as const;

/** Every stock recipe of the target applied to the file's own tensors, by name (llama.cpp's come from its rules: stockPlans). */
export function targetStockPlans(target: PlanTarget, tensors: readonly PlanTensor[]): Map<string, Plan> {
  if (target.name === 'llama.cpp') throw new Error('llama.cpp stock plans come from its rules (stockPlans)');
  return new Map(Object.keys(TARGET_PRESETS[target.name]).map((preset) => [preset, planTargetPreset(target, tensors, preset)]));
}

/** The plan a target's stock recipe gives: its candidate wherever the tool quantizes and can store it, the rest kept. */
export function planTargetPreset(target: PlanTarget, tensors: readonly PlanTensor[], presetName: string): Plan {
  const preset = presetOf(target, presetName);
  const candidate: Candidate = target.parseCandidate(preset.candidate);
  const planned = tensors.map((t): PlannedTensor => {
    const excluded = target.notPlanned(t);
    if (excluded !== null) return kept(t, excluded);
    const bytes = target.bytesOf(candidate, t);
    if (bytes === null) return kept(t, `no ${candidateName(candidate)}: ${target.whyNot(candidate, t)}`);
    return { name: t.name, type: candidateName(candidate), candidate, bytes, requested: null, reason: preset.source };
  });
  const totalBytes = planned.reduce((n, t) => n + t.bytes, 0);
  const totalValues = tensors.reduce((n, t) => n + t.numel, 0);
  return {
    target: target.name, preset: presetName, tensors: planned, totalBytes, totalValues,
    bitsPerWeight: totalValues > 0 ? (8 * totalBytes) / totalValues : 0,
  };
}
