import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { openModel } from '../../../src/core/formats/registry';
import { candidateName, errorKeyOf, type Candidate } from '../../../src/core/plan/costModel';
import { sourcesOf } from '../../../src/core/plan/errors/errorSweep';
import { roleOf } from '../../../src/core/plan/damage/roles';
import { modelErrors } from '../../../src/core/plan/errors/modelErrors';
import { tensorErrorSums, tensorRelErrors } from '../../../src/core/plan/errors/tensorErrors';
import type { PlanTargetName, PlanTensor } from '../../../src/core/plan/planTypes';
import { buildPlanProblem } from '../../../src/core/plan/solver/planProblem';
import { paretoOf, planAtBudget } from '../../../src/core/plan/solver/planAtBudget';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';
import { openTargetModel } from '../../../src/core/plan/targets/openTargetModel';
import { OWN_NAMES } from '../../../src/core/plan/targets/presets';
import type { Scheme } from '../../../src/shared/analysisTypes';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';
import { writeMatMulMlp } from './targetModels';
import { PLAN_FIXTURES } from './expectedPlans';


const HF_LLAMA = path.join(PLAN_FIXTURES, 'hf-llama');
const HF_MIXTRAL = path.join(PLAN_FIXTURES, 'hf-mixtral');

/** Every candidate of the target, so the front spans all its formats. */
const allOf = (target: PlanTargetName): readonly Candidate[] => PLAN_TARGETS[target].candidates;

async function errorsFor(file: string, tensors: readonly PlanTensor[], target: PlanTargetName, candidates: readonly Candidate[]) {
  const t = PLAN_TARGETS[target];
  const model = await openModel([file]);
  try {
    return await modelErrors({
      paths: [file], model: { tensors, facts: OWN_NAMES },
      planned: (x) => t.notPlanned(x) === null, candidatesOf: () => candidates, bytesOf: (c, x) => t.bytesOf(c, x),
      imatrixFile: null, cacheDir: null, concurrency: 1,
      run: (request, signal, onElements) => tensorErrorSums(model, request, { signal, onProgress: onElements }),
    });
  } finally {
    await model.close();
  }
}

describe('budget plans for modelopt, onnxruntime, torchao and llm-compressor', function () {
  this.timeout(120_000);
  const tmp = suiteTempDir('quantlens-target-budget-');

  const cases: [PlanTargetName, () => string][] = [
    ['modelopt', () => HF_MIXTRAL],
    ['modelopt', () => HF_LLAMA],
    ['llm-compressor', () => HF_MIXTRAL],
    ['torchao', () => HF_LLAMA],
    ['onnxruntime', () => writeMatMulMlp(tmp()).file],
  ];
  for (const [targetName, fileOf] of cases) {
    it(`${targetName}: every point of the front keeps the tool's exclusions and its shared formats, within its size`, async () => {
      const file = fileOf();
      const target = PLAN_TARGETS[targetName];
      const tensors = await openTargetModel([file]);
      const errors = await errorsFor(file, tensors, targetName, allOf(targetName));
      const problem = buildPlanProblem(tensors, allOf(targetName), errors.table, target);
      const pareto = paretoOf(problem);
      assert.ok(pareto.length >= 4, `${pareto.length} points`);
      const formats = new Set<string>();
      let groupsSeen = 0;
      for (const point of pareto) {
        const plan = planAtBudget(problem, { bytes: point.bytes }, pareto);
        assert.ok(plan.totalBytes <= point.bytes);
        assert.ok(Math.abs(plan.predictedDamage - point.predictedDamage) <= 1e-9 + 1e-9 * point.predictedDamage, `${plan.predictedDamage} vs ${point.predictedDamage}`);
        const byGroup = new Map<string, Set<string>>();
        plan.tensors.forEach((t, i) => {
          const source = tensors[i]!;
          const excluded = target.notPlanned(source);
          if (excluded !== null) {
            assert.equal(t.candidate.kind, 'keep', t.name);
            assert.equal(t.reason, `kept as ${source.type}: ${excluded}`);
            return;
          }
          formats.add(candidateName(t.candidate));
          const group = target.groupOf(source);
          if (group !== null) byGroup.set(group, new Set([...(byGroup.get(group) ?? []), candidateName(t.candidate)]));
        });
        for (const [group, chosen] of byGroup) assert.equal(chosen.size, 1, `${group}: ${[...chosen].join(', ')}`);
        groupsSeen = Math.max(groupsSeen, byGroup.size);
      }
      assert.ok(formats.size >= 3, [...formats].join(', '));
      if (targetName !== 'onnxruntime' && targetName !== 'torchao') assert.ok(groupsSeen >= 2, `${groupsSeen} groups`);
    });
  }

  it('modelopt on a Mixtral: the router and the embeddings kept, a layer\'s experts one format, q/k/v one format', async () => {
    const tensors = await openTargetModel([HF_MIXTRAL]);
    const errors = await errorsFor(HF_MIXTRAL, tensors, 'modelopt', allOf('modelopt'));
    const problem = buildPlanProblem(tensors, allOf('modelopt'), errors.table, PLAN_TARGETS.modelopt);
    const pareto = paretoOf(problem);
    const plan = planAtBudget(problem, { bytes: pareto[Math.floor(pareto.length / 2)]!.bytes }, pareto);
    const type = (name: string) => plan.tensors.find((t) => t.name === name)!;
    assert.match(type('model.layers.0.block_sparse_moe.gate.weight').reason, /kept as BF16: ModelOpt disables the MoE router/);
    assert.match(type('model.embed_tokens.weight').reason, /kept as BF16: embedding/);
    assert.match(type('lm_head.weight').reason, /kept as BF16: ModelOpt disables the output head/);
    const experts = plan.tensors.filter((t) => t.name.includes('.experts.')).map((t) => t.type);
    assert.equal(experts.length, 24);
    assert.equal(new Set(experts).size, 1);
    assert.equal(new Set(['q_proj', 'k_proj', 'v_proj'].map((p) => type(`model.layers.0.self_attn.${p}.weight`).type)).size, 1);
  });

  it('errors equal analyze\'s for the same scheme: nvfp4; ONNX Runtime QDQ int8 per channel along a MatMul weight\'s stored columns', async () => {
    const sqnr = (relErr: number) => -20 * Math.log10(relErr);
    const check = async (file: string, name: string, pairs: [Candidate, Scheme][]) => {
      const tensors = await openTargetModel([file]);
      const tensor = tensors.find((t) => t.name === name)!;
      const model = await openModel([file]);
      try {
        const got = await tensorRelErrors(model, { sources: sourcesOf(tensor, ''), tensor, candidates: pairs.map(([c]) => c), weights: null }, {});
        const entry = model.tensors.find((t) => t.name === name)!;
        const analyzed = await analyzeTensor(entry, { schemes: pairs.map(([, s]) => s), histogramBins: 0, tableOnly: true });
        pairs.forEach(([c], k) => {
          const want = analyzed.results[k]!;
          assert.ok('sqnrDb' in want && want.sqnrDb !== null, JSON.stringify(want));
          const plan = sqnr(got[errorKeyOf(c)]!);
          assert.ok(Math.abs(plan - want.sqnrDb) < 1e-6, `${name} ${candidateName(c)}: plan ${plan} dB, analyze ${want.sqnrDb} dB`);
        });
      } finally {
        await model.close();
      }
    };
    await check(HF_LLAMA, 'model.layers.0.mlp.down_proj.weight', [[{ kind: 'nvfp4' }, { kind: 'format', format: 'nvfp4' }]]);
    // MatMul B [K = 64, N = 256], float32: a planned row (64 values along K) is a stored column, analyze's channel axis 1;
    // quantize_static's symmetric int8 is analyze's onnxruntime convention
    await check(writeMatMulMlp(tmp()).file, 'fc2.weight', [
      [PLAN_TARGETS.onnxruntime.parseCandidate('int8_ch'), {
        kind: 'int', bits: 8, mode: 'symmetric', granularity: 'channel', groupSize: null, axis: 1, range: 'minmax', convention: 'onnxruntime',
      }],
    ]);
  });

  it('FP8: amax / 448 per tensor or per row, then E4M3; a few percent of relative error, per row no worse', async () => {
    const tensors = await openTargetModel([HF_LLAMA]);
    const tensor = tensors.find((t) => t.name === 'model.layers.0.mlp.down_proj.weight')!;
    const model = await openModel([HF_LLAMA]);
    try {
      const got = await tensorRelErrors(model, {
        sources: sourcesOf(tensor, ''), tensor, weights: null,
        candidates: [{ kind: 'fp8', scale: 'tensor', scaleType: 'F32' }, { kind: 'fp8', scale: 'channel', scaleType: 'F32' }],
      }, {});
      // E4M3 keeps 3 mantissa bits: a relative step of 2^-3, an RMS error of about 2^-4 / sqrt(3) of each value
      assert.ok(got.fp8! > 0.01 && got.fp8! < 0.05, `fp8 ${got.fp8}`);
      assert.ok(got.fp8_ch! > 0.01 && got.fp8_ch! <= got.fp8! * 1.01, `fp8_ch ${got.fp8_ch} vs ${got.fp8}`);
    } finally {
      await model.close();
    }
  });

  interface BudgetJson {
    target: string;
    tensors: { name: string; type: string; bytes: number; reason: string }[];
    totalBytes: number;
    predictedDamage: number;
    pareto: { bytes: number; predictedDamage: number }[];
    presets: { preset: string; totalBytes: number; predictedDamage: number }[];
    export: { target: string; file: string; apply: string };
  }
  const budgetPlan = async (file: string, ...args: string[]): Promise<BudgetJson> => {
    const r = await run('plan', file, ...args, '--cache', path.join(tmp(), 'cache'), '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as BudgetJson;
  };
  const moduleOf = (name: string) => name.replace(/\.weight$/, '');
  /** The plan's quantized modules with their candidate names, as each export must say. */
  const planned = (plan: BudgetJson) => new Map(plan.tensors.filter((t) => !t.reason.startsWith('kept as') && t.type !== 'BF16').map((t) => [moduleOf(t.name), t.type]));

  it('CLI --target modelopt: the solver plan exported as quant_cfg and hf_quant_config.json, read back', async () => {
    const out = path.join(tmp(), 'quant_cfg.json');
    const plan = await budgetPlan(HF_MIXTRAL, '--target', 'modelopt', '--budget-bpw', '6', '--candidates', 'nvfp4,fp8,int4_g128,int8_ch,keep',
      '--presets', 'NVFP4_DEFAULT_CFG,FP8_DEFAULT_CFG', '--export', 'modelopt', '--out', out);
    assert.equal(plan.target, 'modelopt');
    assert.match(plan.export.apply, /mtq\.quantize\(model, config, forward_loop\)/);
    assert.deepEqual(plan.presets.map((p) => p.preset), ['NVFP4_DEFAULT_CFG', 'FP8_DEFAULT_CFG']);
    const config = JSON.parse(readFileSync(out, 'utf8')) as { quant_cfg: { quantizer_name: string; enable: boolean; cfg?: Record<string, unknown> }[] };
    const formatOf = (cfg: Record<string, unknown>): string => {
      const bits = JSON.stringify(cfg['num_bits']);
      if (bits === '[2,1]') return 'nvfp4';
      if (bits === '[4,3]') return 'fp8';
      return bits === '4' ? 'int4_g128' : 'int8_ch';
    };
    const read = new Map(config.quant_cfg.filter((e) => e.quantizer_name.endsWith('.weight_quantizer')).map((e) => [e.quantizer_name.replace(/\.weight_quantizer$/, ''), formatOf(e.cfg!)]));
    assert.deepEqual(read, planned(plan));
    assert.ok(read.size > 10);

    const hfOut = path.join(tmp(), 'hf_quant_config.json');
    const again = await budgetPlan(HF_MIXTRAL, '--target', 'modelopt', '--budget-bpw', '6', '--candidates', 'nvfp4,fp8,int4_g128,int8_ch,keep', '--export', 'modelopt-hf', '--out', hfOut);
    assert.deepEqual(again.tensors, plan.tensors);
    // without --presets: the tool's stock recipes over these candidates, each storage once
    assert.deepEqual(again.presets.map((p) => p.preset), ['NVFP4_DEFAULT_CFG', 'FP8_DEFAULT_CFG', 'INT4_AWQ_CFG', 'INT8_SMOOTHQUANT_CFG']);
    const hf = JSON.parse(readFileSync(hfOut, 'utf8')) as { quantization: { quant_algo: string; quantized_layers: Record<string, { quant_algo: string }> } };
    assert.equal(hf.quantization.quant_algo, 'MIXED_PRECISION');
    const algo: Record<string, string> = { NVFP4: 'nvfp4', FP8: 'fp8', W4A16_AWQ: 'int4_g128', W8A8_SQ_PER_CHANNEL: 'int8_ch' };
    assert.deepEqual(new Map(Object.entries(hf.quantization.quantized_layers).map(([m, l]) => [m, algo[l.quant_algo]])), planned(plan));
  });

  it('CLI --target llm-compressor / torchao / onnxruntime: the solver plan exported in the tool\'s syntax, read back', async () => {
    const recipeFile = path.join(tmp(), 'recipe.yaml');
    const lc = await budgetPlan(HF_MIXTRAL, '--target', 'llm-compressor', '--budget-bpw', '9', '--export', 'llm-compressor', '--out', recipeFile);
    const recipe = parseYaml(readFileSync(recipeFile, 'utf8')) as { default_stage: { default_modifiers: { QuantizationModifier: { ignore: string[]; config_groups: Record<string, { targets: string[]; weights: Record<string, unknown> }> } } } };
    const modifier = recipe.default_stage.default_modifiers.QuantizationModifier;
    const lcRead = new Map(Object.values(modifier.config_groups).flatMap((g) => g.targets.map((m) => [m, `int${String(g.weights['num_bits'])}_${g.weights['strategy'] === 'group' ? `g${String(g.weights['group_size'])}` : 'ch'}`] as const)));
    assert.deepEqual(lcRead, planned(lc));
    assert.ok(modifier.ignore.includes('lm_head'));

    const snippet = path.join(tmp(), 'plan.py');
    const ao = await budgetPlan(HF_LLAMA, '--target', 'torchao', '--budget-bpw', '6', '--export', 'torchao', '--out', snippet);
    const aoRead = new Map([...readFileSync(snippet, 'utf8').matchAll(/^ {4}"([^"]+)": (Int4WeightOnlyConfig\(group_size=(\d+)\)|Int8WeightOnlyConfig\(\)),$/gm)]
      .map((m) => [m[1]!, m[3] ? `int4_g${m[3]}_asym` : 'int8_ch']));
    assert.deepEqual(aoRead, planned(ao));
    assert.ok(aoRead.size > 5);

    const ortFile = path.join(tmp(), 'ort.json');
    const onnx = writeMatMulMlp(tmp()).file;
    const ort = await budgetPlan(onnx, '--target', 'onnxruntime', '--budget-bpw', '9', '--candidates', 'int4_g32_asym,int8_ch,int8_tensor,keep', '--export', 'onnxruntime', '--out', ortFile);
    const config = JSON.parse(readFileSync(ortFile, 'utf8')) as { quantize_static: { extra_options: { TensorQuantOverrides: Record<string, { axis?: number }[]> } } | null; matmul_nbits: { block_size: number; nodes_to_include: string[] }[] };
    const nodeOf = new Map((await openTargetModel([onnx])).filter((t) => t.consumer).map((t) => [t.consumer!.node, t.name]));
    const ortRead = new Map<string, string>([
      ...config.matmul_nbits.flatMap((r) => r.nodes_to_include.map((n) => [moduleOf(nodeOf.get(n)!), `int4_g${r.block_size}_asym`] as [string, string])),
      ...Object.entries(config.quantize_static?.extra_options.TensorQuantOverrides ?? {}).map(([n, [o]]) => [moduleOf(n), o!.axis === undefined ? 'int8_tensor' : 'int8_ch'] as [string, string]),
    ]);
    assert.deepEqual(ortRead, new Map(ort.tensors.filter((t) => t.type !== 'F32').map((t) => [moduleOf(t.name), t.type])));
  });

  for (const [targetName, fileOf] of cases) {
    it(`${targetName}: its stock presets are points beside the front, and at each preset's size the plan predicts no more damage`, async () => {
      const file = fileOf();
      const candidates = allOf(targetName).map(candidateName).join(',');
      const wide = await budgetPlan(file, '--target', targetName, '--budget-bpw', '64', '--candidates', candidates);
      assert.ok(wide.presets.length >= 2, wide.presets.map((p) => p.preset).join(', '));
      for (const preset of wide.presets) {
        const at = await budgetPlan(file, '--target', targetName, '--budget-bytes', String(preset.totalBytes), '--candidates', candidates);
        assert.ok(at.totalBytes <= preset.totalBytes);
        assert.ok(at.predictedDamage <= preset.predictedDamage * (1 + 1e-12), `${preset.preset}: plan ${at.predictedDamage} vs preset ${preset.predictedDamage}`);
      }
    });
  }

  it('damage weights Hugging Face tensors by the roles of their GGUF names', () => {
    const roles = ['model.layers.3.self_attn.v_proj.weight', 'model.layers.0.mlp.down_proj.weight', 'model.layers.0.block_sparse_moe.experts.5.w2.weight',
      'model.layers.0.block_sparse_moe.experts.5.w1.weight', 'lm_head.weight', 'model.embed_tokens.weight', 'model.layers.0.input_layernorm.weight'].map(roleOf);
    assert.deepEqual(roles, ['attn_v', 'ffn_down', 'ffn_down_exps', 'ffn_gate_exps', 'output', 'token_embd', 'other']);
  });

  it('refuses bad input in one line, writing nothing', async () => {
    const out = path.join(tmp(), 'never.json');
    const cases: [string, string[], RegExp][] = [
      [HF_LLAMA, ['--target', 'modelopt', '--budget-bpw', '1', '--export', 'modelopt', '--out', out], /below the smallest plan over these candidates: \d+\.\d+ bits per weight/],
      [HF_LLAMA, ['--target', 'torchao', '--budget-bytes', '1.5'], /--budget-bytes 1\.5 is not a positive whole number/],
      [HF_LLAMA, ['--target', 'modelopt', '--budget-bpw', '6', '--candidates', 'nvfp4,Q4_K'], /'Q4_K' is not a modelopt candidate/],
      [HF_LLAMA, ['--target', 'modelopt', '--budget-bpw', '6', '--presets', 'NVFP5'], /unknown modelopt preset 'NVFP5'/],
      [HF_LLAMA, ['--target', 'modelopt', '--budget-bpw', '6', '--imatrix', path.join(PLAN_FIXTURES, 'imatrix', 'llama-gqa.imatrix.dat')], /--imatrix is llama\.cpp's/],
      [HF_LLAMA, ['--target', 'torchao', '--budget-bpw', '6', '--export', 'modelopt', '--out', out], /--export modelopt for a torchao plan/],
    ];
    for (const [file, args, message] of cases) {
      const r = await run('plan', file, ...args, '--cache', path.join(tmp(), 'cache'));
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.throws(() => rmSync(out), /ENOENT/);
  });
});
