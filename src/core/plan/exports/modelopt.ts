/**
 * ModelOpt exports. `quant_cfg`: the list form get_auto_quantize_config returns
 * (modelopt/torch/quantization/algorithms.py: [{"quantizer_name": "*", "enable": False},
 * {"quantizer_name": "<module>.weight_quantizer", "enable": True, "cfg": {...}}, ...], algorithm
 * "max"), with each format's quantizer attributes from modelopt/torch/quantization/config.py.
 * `hf_quant_config.json`: what export_hf_checkpoint writes for a mixed model (quant_algo
 * MIXED_PRECISION, quantized_layers per module, exclude_modules), as vLLM's and TensorRT-LLM's
 * ModelOpt loaders read it.
 */
import { UsageError } from '../../errors';
import { candidateName } from '../costModel';
import type { Plan, PlannedTensor, PlanTensor } from '../planTypes';
import { MODELOPT_TARGET } from '../targets/modelopt';
import { moduleName, pyString, type PlanExport } from './planExport';

type Cfg = Readonly<Record<string, unknown>>;

/** Quantizer attributes of one format: the weight's, the input's (null = disabled), and its hf_quant_config entry. */
interface ModeloptFormat {
  readonly weight: Cfg | readonly Cfg[];
  readonly input: Cfg | null;
  readonly hf: Cfg;
}

// block_sizes keys are ints in ModelOpt; JSON writes "-1" (the apply snippet turns them back)
const FP8: Cfg = { num_bits: [4, 3], axis: null };
const NVFP4: Cfg = { num_bits: [2, 1], block_sizes: { '-1': 16, type: 'dynamic', scale_bits: [4, 3] }, axis: null };
const INT4_BLOCK_128: Cfg = { num_bits: 4, block_sizes: { '-1': 128, type: 'static' } };

const FORMATS: Readonly<Record<string, ModeloptFormat>> = {
  // NVFP4_DEFAULT_CFG, FP8_DEFAULT_CFG, INT4_AWQ_CFG, INT8_SMOOTHQUANT_CFG
  nvfp4: { weight: NVFP4, input: NVFP4, hf: { quant_algo: 'NVFP4', group_size: 16 } },
  fp8: { weight: FP8, input: FP8, hf: { quant_algo: 'FP8' } },
  int4_g128: { weight: INT4_BLOCK_128, input: null, hf: { quant_algo: 'W4A16_AWQ', group_size: 128 } },
  int8_ch: { weight: { num_bits: 8, axis: 0 }, input: { num_bits: 8, axis: null }, hf: { quant_algo: 'W8A8_SQ_PER_CHANNEL' } },
};
/** W4A8_AWQ_BETA_CFG: INT4 blocks then FP8 on the weight, FP8 input. */
const W4A8_AWQ: ModeloptFormat = { weight: [INT4_BLOCK_128, FP8], input: FP8, hf: { quant_algo: 'W4A8_AWQ', group_size: 128 } };

function formatOf(t: PlannedTensor, plan: Plan): ModeloptFormat {
  const name = candidateName(t.candidate);
  if (name === 'int4_g128' && plan.preset === 'W4A8_AWQ_BETA_CFG') return W4A8_AWQ;
  const format = FORMATS[name];
  if (!format) throw new UsageError(`${t.name}: ${name} has no ModelOpt config`);
  return format;
}

function quantized(plan: Plan): PlannedTensor[] {
  if (plan.target !== 'modelopt') throw new UsageError(`a ModelOpt export needs a modelopt plan, not ${plan.target}`);
  return plan.tensors.filter((t) => t.candidate.kind !== 'keep');
}

export const MODELOPT_QUANT_CFG: PlanExport = {
  name: 'modelopt',
  target: 'modelopt',
  write(plan) {
    const entries: Cfg[] = [{ quantizer_name: '*', enable: false }];
    for (const t of quantized(plan)) {
      const format = formatOf(t, plan);
      const module = moduleName(t.name);
      entries.push({ quantizer_name: `${module}.weight_quantizer`, enable: true, cfg: format.weight });
      entries.push(format.input === null
        ? { quantizer_name: `${module}.input_quantizer`, enable: false }
        : { quantizer_name: `${module}.input_quantizer`, enable: true, cfg: format.input });
    }
    return `${JSON.stringify({ quant_cfg: entries, algorithm: 'max' }, null, 2)}\n`;
  },
  apply(file) {
    return [
      'import json',
      'import modelopt.torch.quantization as mtq',
      `config = json.load(open(${pyString(file)}), object_hook=lambda d: {int(k) if k.lstrip("-").isdigit() else k: v for k, v in d.items()})`,
      'model = mtq.quantize(model, config, forward_loop)',
    ].join('\n');
  },
};

/** Linear layers ModelOpt would quantize that the plan keeps: exclude_modules. */
function excludedModules(plan: Plan, tensors: readonly PlanTensor[]): string[] {
  return plan.tensors.flatMap((t, i) => (t.candidate.kind === 'keep' && MODELOPT_TARGET.notPlanned(tensors[i]!) === null ? [moduleName(t.name)] : []));
}

export const MODELOPT_HF_QUANT_CONFIG: PlanExport = {
  name: 'modelopt-hf',
  target: 'modelopt',
  write(plan, tensors) {
    const layers = Object.fromEntries(quantized(plan).map((t) => [moduleName(t.name), formatOf(t, plan).hf]));
    const quantization = { quant_algo: 'MIXED_PRECISION', kv_cache_quant_algo: null, exclude_modules: excludedModules(plan, tensors), quantized_layers: layers };
    return `${JSON.stringify({ quantization }, null, 2)}\n`;
  },
  apply(file) {
    return `copy ${file} as hf_quant_config.json into the exported checkpoint (what export_hf_checkpoint writes for a MIXED_PRECISION model)`;
  },
};
