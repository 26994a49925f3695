import * as assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { candidateBytes, candidateName } from '../../../src/core/plan/costModel';
import { exportFor, PLAN_EXPORTS } from '../../../src/core/plan/exports';
import type { Plan, PlannedTensor, PlanTargetName, PlanTensor } from '../../../src/core/plan/planTypes';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';
import { whyNotLinearWeight } from '../../../src/core/plan/targets/hfLinear';
import { openTargetModel } from '../../../src/core/plan/targets/openTargetModel';
import { suiteTempDir } from '../helpers/tempDir';
import { HF_MIXTRAL, writeMatMulMlp } from './targetModels';

/** A plan that gives the planned tensors the target's candidates in turn (those that fit), keep included, so every format shows. */
function mixedPlan(target: PlanTargetName, tensors: readonly PlanTensor[]): Plan {
  const t = PLAN_TARGETS[target];
  let turn = 0;
  const planned = tensors.map((tensor): PlannedTensor => {
    const keep: PlannedTensor = { name: tensor.name, type: tensor.type, candidate: { kind: 'keep' }, bytes: tensor.bytes, requested: null, reason: 'kept' };
    if (t.notPlanned(tensor) !== null) return keep;
    const fitting = t.candidates.filter((c) => t.bytesOf(c, tensor) !== null);
    const c = fitting[turn++ % fitting.length]!;
    return c.kind === 'keep' ? keep : { name: tensor.name, type: candidateName(c), candidate: c, bytes: t.bytesOf(c, tensor)!, requested: null, reason: 'test' };
  });
  const totalBytes = planned.reduce((n, p) => n + p.bytes, 0);
  const totalValues = tensors.reduce((n, p) => n + p.numel, 0);
  return { target, preset: null, tensors: planned, totalBytes, totalValues, bitsPerWeight: (8 * totalBytes) / totalValues };
}

const moduleOf = (name: string) => name.replace(/\.weight$/, '');
/** Planned (not kept) tensors by module, with their candidate name. */
const plannedModules = (plan: Plan) => new Map(plan.tensors.filter((t) => t.candidate.kind !== 'keep').map((t) => [moduleOf(t.name), candidateName(t.candidate)]));
const keptLinear = (plan: Plan, tensors: readonly PlanTensor[]) =>
  plan.tensors.filter((t, i) => t.candidate.kind === 'keep' && PLAN_TARGETS[plan.target].notPlanned(tensors[i]!) === null).map((t) => moduleOf(t.name));

describe('plan exports, each read back', () => {
  const tmp = suiteTempDir('quantlens-plan-exports-');

  it('one export table: each name once, at least one per target; a wrong name lists the fitting ones', () => {
    const names = PLAN_EXPORTS.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    for (const target of Object.keys(PLAN_TARGETS)) assert.ok(PLAN_EXPORTS.some((e) => e.target === target), target);
    assert.throws(() => exportFor('torchao', 'modelopt'), /--export torchao for a modelopt plan \(one of modelopt, modelopt-hf\)/);
  });

  it('modelopt quant_cfg: all disabled, then each planned module\'s weight and input quantizers in its format', async () => {
    const tensors = await openTargetModel([HF_MIXTRAL]);
    const plan = mixedPlan('modelopt', tensors);
    const planned = plannedModules(plan);
    assert.deepEqual(new Set(planned.values()), new Set(['nvfp4', 'fp8', 'int4_g128', 'int8_ch']));
    const config = JSON.parse(exportFor('modelopt', 'modelopt').write(plan, tensors)) as { quant_cfg: { quantizer_name: string; enable: boolean; cfg?: Record<string, unknown> }[]; algorithm: string };
    assert.equal(config.algorithm, 'max');
    assert.deepEqual(config.quant_cfg[0], { quantizer_name: '*', enable: false });
    const weights = config.quant_cfg.filter((e) => e.quantizer_name.endsWith('.weight_quantizer'));
    // read each format back from its quantizer attributes (modelopt config.py)
    const formatOf = (cfg: Record<string, unknown>): string => {
      const bits = JSON.stringify(cfg['num_bits']);
      const blocks = cfg['block_sizes'] as Record<string, unknown> | undefined;
      if (bits === '[2,1]' && blocks?.['-1'] === 16 && JSON.stringify(blocks['scale_bits']) === '[4,3]') return 'nvfp4';
      if (bits === '[4,3]' && cfg['axis'] === null) return 'fp8';
      if (bits === '4' && blocks?.['-1'] === 128) return 'int4_g128';
      if (bits === '8' && cfg['axis'] === 0) return 'int8_ch';
      return `unknown ${JSON.stringify(cfg)}`;
    };
    const read = new Map(weights.map((e) => [e.quantizer_name.replace(/\.weight_quantizer$/, ''), e.enable ? formatOf(e.cfg!) : 'disabled']));
    assert.deepEqual(read, planned);
    for (const module of planned.keys()) assert.ok(config.quant_cfg.some((e) => e.quantizer_name === `${module}.input_quantizer`), module);
    // a calibrated input quantizer makes export_hf_checkpoint write a float32 input_scale, which the target prices (4 bytes beside the weight's own)
    for (const planned of plan.tensors.filter((t) => t.candidate.kind !== 'keep')) {
      const input = config.quant_cfg.find((e) => e.quantizer_name === `${moduleOf(planned.name)}.input_quantizer`)!;
      const tensor = tensors.find((t) => t.name === planned.name)!;
      const withoutInput = candidateBytes(planned.candidate, tensor)!;
      assert.equal(planned.bytes - withoutInput, input.enable ? 4 : 0, `${planned.name} ${candidateName(planned.candidate)}`);
    }
  });

  it('modelopt hf_quant_config.json: MIXED_PRECISION, quantized_layers per module, kept Linear layers excluded', async () => {
    const tensors = await openTargetModel([HF_MIXTRAL]);
    const plan = mixedPlan('modelopt', tensors);
    const hf = JSON.parse(exportFor('modelopt-hf', 'modelopt').write(plan, tensors)) as { quantization: { quant_algo: string; exclude_modules: string[]; quantized_layers: Record<string, { quant_algo: string; group_size?: number }> } };
    assert.equal(hf.quantization.quant_algo, 'MIXED_PRECISION');
    const algo: Record<string, string> = { NVFP4: 'nvfp4', FP8: 'fp8', W4A16_AWQ: 'int4_g128', W8A8_SQ_PER_CHANNEL: 'int8_ch' };
    const read = new Map(Object.entries(hf.quantization.quantized_layers).map(([m, l]) => [m, algo[l.quant_algo] ?? l.quant_algo]));
    assert.deepEqual(read, plannedModules(plan));
    assert.equal(hf.quantization.quantized_layers[[...read.entries()].find(([, f]) => f === 'nvfp4')![0]]!.group_size, 16);
    assert.deepEqual(hf.quantization.exclude_modules, keptLinear(plan, tensors));
    assert.ok(hf.quantization.exclude_modules.length > 0);
  });

  it('llm-compressor recipe: YAML whose config_groups target every planned module with its scheme, kept Linear layers ignored', async () => {
    const tensors = await openTargetModel([HF_MIXTRAL]);
    const plan = mixedPlan('llm-compressor', tensors);
    const recipe = parseYaml(exportFor('llm-compressor', 'llm-compressor').write(plan, tensors)) as {
      default_stage: { default_modifiers: { QuantizationModifier: { ignore: string[]; config_groups: Record<string, { targets: string[]; weights: Record<string, unknown> }> } } };
    };
    const modifier = recipe.default_stage.default_modifiers.QuantizationModifier;
    // compressed-tensors QuantizationArgs back to a format name, independently of the writer's table
    const formatOf = (w: Record<string, unknown>): string => {
      if (w['type'] === 'int') return `int${String(w['num_bits'])}_${w['strategy'] === 'group' ? `g${String(w['group_size'])}` : 'ch'}${w['symmetric'] ? '' : '_asym'}`;
      if (w['num_bits'] === 4 && w['strategy'] === 'tensor_group' && w['group_size'] === 16) return 'nvfp4';
      return w['strategy'] === 'channel' ? 'fp8_ch' : 'fp8';
    };
    const read = new Map(Object.values(modifier.config_groups).flatMap((g) => g.targets.map((m) => [m, formatOf(g.weights)] as const)));
    const planned = plannedModules(plan);
    assert.equal(planned.size, new Set(planned.keys()).size);
    assert.deepEqual(read, planned);
    assert.deepEqual(new Set(planned.values()), new Set(['int4_g128', 'int4_g128_asym', 'int8_ch', 'fp8', 'fp8_ch', 'nvfp4']));
    // every nn.Linear the plan keeps, lm_head (the tool's own exclusion) first among them
    const keptLinears = plan.tensors.filter((t, i) => t.candidate.kind === 'keep' && whyNotLinearWeight(tensors[i]!) === null).map((t) => moduleOf(t.name));
    assert.deepEqual(modifier.ignore, keptLinears);
    assert.equal(keptLinears[0], 'lm_head');
    assert.ok(keptLinears.length > 1);
  });

  it('torchao snippet: FqnToConfig lists every planned module once with its config, kept ones not at all', async () => {
    const tensors = await openTargetModel([HF_MIXTRAL]);
    const plan = mixedPlan('torchao', tensors);
    const text = exportFor('torchao', 'torchao').write(plan, tensors);
    assert.match(text, /^from torchao\.quantization import .*FqnToConfig/m);
    assert.match(text, /quantize_\(model, PLAN, filter_fn=None\)/);
    const entries = [...text.matchAll(/^ {4}"([^"]+)": (\w+)\(([^)]*)\),$/gm)];
    const formatOf = (config: string, args: string) =>
      config === 'Int4WeightOnlyConfig' ? `int4_g${/^group_size=(\d+)$/.exec(args)![1]}_asym` : config === 'Int8WeightOnlyConfig' ? 'int8_ch' : config === 'Float8WeightOnlyConfig' ? 'fp8_ch' : config;
    const read = new Map(entries.map((m) => [m[1]!, formatOf(m[2]!, m[3]!)]));
    assert.equal(read.size, entries.length, 'each module once');
    assert.deepEqual(read, plannedModules(plan));
    assert.ok(new Set(read.values()).size >= 4);
  });

  it('onnxruntime: MatMulNBits runs by block size, QDQ int8 overrides with the channel axis, kept weights\' nodes excluded', async () => {
    const { file } = writeMatMulMlp(tmp());
    const tensors = await openTargetModel([file]);
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const plan = mixedPlan('onnxruntime', tensors);
    const config = JSON.parse(exportFor('onnxruntime', 'onnxruntime').write(plan, tensors)) as {
      quantize_static: { nodes_to_quantize: string[]; nodes_to_exclude: string[]; per_channel: boolean; extra_options: { TensorQuantOverrides: Record<string, { quant_type: string; symmetric: boolean; axis?: number }[]> } } | null;
      matmul_nbits: { bits: number; block_size: number; is_symmetric: boolean; nodes_to_include: string[] }[];
    };
    const nodeTensor = new Map(tensors.filter((t) => t.consumer).map((t) => [t.consumer!.node, t.name]));
    const read = new Map<string, string>();
    for (const run of config.matmul_nbits) for (const n of run.nodes_to_include) read.set(moduleOf(nodeTensor.get(n)!), `int${run.bits}_g${run.block_size}${run.is_symmetric ? '' : '_asym'}`);
    for (const [name, [o]] of Object.entries(config.quantize_static?.extra_options.TensorQuantOverrides ?? {})) {
      assert.equal(o!.quant_type, 'QInt8');
      if (o!.axis !== undefined) assert.equal(o!.axis, byName.get(name)!.consumer!.channelAxis);
      read.set(moduleOf(name), o!.axis === undefined ? 'int8_tensor' : 'int8_ch');
      assert.ok(config.quantize_static!.nodes_to_quantize.includes(byName.get(name)!.consumer!.node));
    }
    assert.deepEqual(read, plannedModules(plan));
    assert.ok(read.size >= 2);
    // a kept weight's node is excluded; a bias (never quantized) excludes nothing, so no node is both quantized and excluded
    const excluded = config.quantize_static?.nodes_to_exclude ?? [];
    for (const t of plan.tensors) {
      const source = byName.get(t.name)!;
      if (t.candidate.kind === 'keep' && PLAN_TARGETS.onnxruntime.notPlanned(source) === null && config.quantize_static) assert.ok(excluded.includes(source.consumer!.node), t.name);
    }
    assert.equal(new Set(excluded).size, excluded.length);
    for (const n of excluded) assert.ok(!config.quantize_static!.nodes_to_quantize.includes(n), n);
  });
});
