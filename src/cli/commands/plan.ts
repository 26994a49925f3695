import { promises as fs } from 'node:fs';
import { UsageError } from '../../core/errors';
import { matchImatrix } from '../../core/plan/imatrix/matchImatrix';
import { readImatrix } from '../../core/plan/imatrix/readImatrix';
import { withKept } from '../../core/plan/keep';
import { openLlamaModel } from '../../core/plan/llamaCpp/openLlamaModel';
import { planLlamaCppPreset, resolvePreset } from '../../core/plan/llamaCpp/planPreset';
import { exportBase } from '../../core/plan/llamaCpp/tensorTypeFile';
import { isPlanTargetName, PLAN_TARGET_NAMES, type PlanTargetName } from '../../core/plan/planTypes';
import { exportFor } from '../../core/plan/exports';
import { candidateName } from '../../core/plan/costModel';
import { defaultPlanTarget } from '../../core/plan/targets/defaultTarget';
import { LLAMA_CPP_TARGET } from '../../core/plan/targets/llamaCpp';
import { PLAN_TARGETS } from '../../core/plan/targets';
import { openTargetModel } from '../../core/plan/targets/openTargetModel';
import { OWN_NAMES, planTargetPreset, presetOf } from '../../core/plan/targets/presets';
import { parseCommandArgs } from '../args';
import { parseBudget } from './planBudget';
import { predictPresetPlan, runBudgetPlan } from './planBudgetCommand';
import { presetPlanJson, presetPlanText } from './planPresetOutput';
import type { Command } from '../command';

const USAGE = 'plan FILE... --preset P | --budget-bpw B | --budget-bytes N [--target T] [--candidates LIST] [--imatrix F] [--keep REGEX] [--no-predict] [--json] [--export T --out FILE]';
const HELP = `usage: quantlens ${USAGE}

Chooses a storage type for every tensor as the target tool would apply it (headers only).

  --target T          the tool the plan is for: llama.cpp (default for GGUF; Hugging Face
                      safetensors are planned as convert_hf_to_gguf.py would convert them),
                      onnxruntime (default for ONNX), modelopt (default otherwise), torchao,
                      llm-compressor
  --preset P          the tool's stock recipe, reproduced exactly (llama.cpp: Q4_K_M, Q5_K_M,
                      Q6_K, Q8_0, Q2_K, Q3_K_S/M/L, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, IQ4_XS,
                      MXFP4_MOE, F16, BF16, ...; modelopt: NVFP4_DEFAULT_CFG, FP8_DEFAULT_CFG,
                      INT4_AWQ_CFG, W4A8_AWQ_BETA_CFG, INT8_SMOOTHQUANT_CFG; llm-compressor:
                      W4A16, W4A16_ASYM, W8A16, W8A8, FP8, FP8_DYNAMIC, NVFP4; torchao:
                      Int4WeightOnlyConfig, Int8WeightOnlyConfig, Float8WeightOnlyConfig;
                      onnxruntime: MatMulNBits, MatMulNBits_symmetric, QDQ_QInt8_per_channel, QDQ_QInt8)
  --budget-bpw B      a size budget in bits per weight (over all values, as llama.cpp reports
                      a file's bpw) ...
  --budget-bytes N    ... or in bytes: the plan with the least predicted damage within it
                      (every target). Predicted damage is sum alpha * t^2 over tensors, t the
                      relative error ||W - Q(W)|| / ||W|| under the chosen type, alpha by tensor
                      role. The JSON has the whole Pareto front and the solver's bound.
  --candidates LIST   types the solver chooses from (default: the target's own; llama.cpp's
                      ${LLAMA_CPP_TARGET.defaultCandidates.map(candidateName).join(',').toLowerCase()})
  --imatrix F         llama-imatrix's importance matrix (.gguf or legacy .dat): errors weighted
                      per column as llama-quantize weights them; presets that need one can run
  --refit PLAN.json=VALUE
                      one measured point: PLAN.json is a plan --json output you quantized and
                      measured (e.g. llama-perplexity --kl-divergence: its mean KLD); every alpha
                      is scaled so that plan's predicted damage equals VALUE, so predicted
                      damage is then in that unit
  --presets LIST      stock presets (e.g. Q4_K_M,Q5_K_M) predicted with the same errors, beside
                      the front
  --cache DIR         where per-candidate errors are cached per file (path, size, mtime) and
                      imatrix; default $XDG_CACHE_HOME/quantlens, else <tmpdir>/quantlens-cache
  --no-cache          compute the errors again and do not store them
  --keep REGEX        tensors (GGUF or source names) that stay as they are stored
  --pure              llama-quantize --pure: the preset's type everywhere, no mixture rules
  --no-predict        with --preset: sizes and types only, without the pass over the weights
                      that prices the preset's errors (its predicted damage is then null)
  --json              CLI.md's plan JSON
  --export E          also write the plan in the tool's own syntax: llama.cpp (a llama-quantize
                      --tensor-type-file), onnxruntime (MatMulNBits runs + quantize_static nodes and
                      TensorQuantOverrides), modelopt (quant_cfg), modelopt-hf (hf_quant_config.json),
                      torchao (FqnToConfig snippet), llm-compressor (recipe YAML) ...
  --out FILE          ... to FILE; the output says how to apply it
`;

function targetFor(flag: string | undefined, files: readonly string[]): PlanTargetName {
  const target = flag ?? defaultPlanTarget(files);
  if (!isPlanTargetName(target)) throw new UsageError(`plan: unknown --target '${target}' (one of ${PLAN_TARGET_NAMES.join(', ')})`);
  return target;
}

function keepPattern(text: string | undefined): RegExp | null {
  if (text === undefined) return null;
  try {
    return new RegExp(text);
  } catch (e) {
    throw new UsageError(`plan: --keep ${text}: ${(e as Error).message}`);
  }
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'choose a type for every tensor as llama-quantize would (stock presets), export it',
  usage: USAGE,
  async run(argv, io) {
    const { values: flags, positionals } = parseCommandArgs(argv, {
      target: { type: 'string' },
      preset: { type: 'string' },
      'budget-bpw': { type: 'string' },
      'budget-bytes': { type: 'string' },
      candidates: { type: 'string' },
      imatrix: { type: 'string' },
      keep: { type: 'string' },
      refit: { type: 'string' },
      presets: { type: 'string' },
      cache: { type: 'string' },
      'no-cache': { type: 'boolean' },
      pure: { type: 'boolean' },
      'no-predict': { type: 'boolean' },
      export: { type: 'string' },
      out: { type: 'string' },
    });
    if (flags.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('plan: no file given');
    const budget = parseBudget(flags['budget-bpw'], flags['budget-bytes']);
    if ((flags.preset === undefined) === (budget === null)) throw new UsageError('plan: give exactly one of --preset, --budget-bpw, --budget-bytes');
    const target = targetFor(flags.target, positionals);
    if ((flags.export === undefined) !== (flags.out === undefined)) throw new UsageError('plan: --export and --out go together');
    const planExport = flags.export === undefined ? null : exportFor(flags.export, target);
    const keep = keepPattern(flags.keep);
    if (budget !== null) {
      if (flags.pure) throw new UsageError('plan: --pure is for --preset');
      if (flags['no-predict']) throw new UsageError('plan: --no-predict is for --preset (a budget plan needs the errors)');
      return runBudgetPlan(positionals, {
        target, budget, keep, candidates: flags.candidates, imatrix: flags.imatrix, refit: flags.refit, presets: flags.presets,
        cache: flags.cache, noCache: flags['no-cache'] === true, json: flags.json === true,
        exported: planExport && flags.out !== undefined ? { as: planExport, out: flags.out } : null,
      }, io);
    }
    for (const budgetOnly of ['candidates', 'refit', 'presets'] as const) {
      if (flags[budgetOnly] !== undefined) throw new UsageError(`plan: --${budgetOnly} is for --budget-bpw / --budget-bytes plans`);
    }
    const preset = flags.preset!; // exactly one of --preset and a budget, and not a budget
    const predictionFlags = { imatrix: flags.imatrix, cache: flags.cache, noCache: flags['no-cache'] === true, noPredict: flags['no-predict'] === true };
    if (target !== 'llama.cpp') {
      if (flags.pure) throw new UsageError('plan: --pure is llama-quantize\'s (--target llama.cpp)');
      if (flags.imatrix !== undefined) throw new UsageError('plan: --imatrix is llama.cpp\'s (--target llama.cpp)');
      const planTarget = PLAN_TARGETS[target];
      presetOf(planTarget, preset);
      const tensors = await openTargetModel(positionals);
      const stock = planTargetPreset(planTarget, tensors, preset);
      const plan = keep ? withKept(stock, tensors, keep) : stock;
      const prediction = await predictPresetPlan(positionals, planTarget, { tensors, facts: OWN_NAMES }, plan, predictionFlags, io);
      let applied: { target: string; file: string; apply: string } | null = null;
      if (planExport && flags.out !== undefined) {
        await writeExport(flags.out, planExport.write(plan, tensors));
        applied = { target: planExport.name, file: flags.out, apply: planExport.apply(flags.out, plan) };
      }
      io.stdout.write(flags.json ? `${JSON.stringify(presetPlanJson(plan, prediction, applied))}\n` : presetPlanText(plan, prediction, positionals, applied && { file: applied.file, how: applied.apply }));
      return 0;
    }
    resolvePreset(preset);
    const model = await openLlamaModel(positionals);
    if (flags.imatrix !== undefined) matchImatrix(await readImatrix(flags.imatrix), model.tensors);
    const stock = planLlamaCppPreset(model, { preset: preset, pure: flags.pure === true, hasImatrix: flags.imatrix !== undefined });
    const [needsImatrix] = stock.needsImatrix;
    if (needsImatrix !== undefined) {
      const type = stock.tensors.find((t) => t.name === needsImatrix)?.type;
      throw new UsageError(`plan: ${stock.preset} needs an importance matrix (${needsImatrix} would be ${type}), which llama-quantize requires: give --imatrix`);
    }
    const plan = keep ? withKept(stock, model.tensors, keep) : stock;
    const prediction = await predictPresetPlan(positionals, LLAMA_CPP_TARGET, model, plan, predictionFlags, io);
    let exported: { target: string; file: string; baseType: string } | null = null;
    if (flags.out !== undefined) {
      await writeExport(flags.out, (planExport ?? exportFor(target, target)).write(plan, model.tensors));
      exported = { target, file: flags.out, baseType: exportBase(plan) };
    }
    const how = exported && `llama-quantize --tensor-type-file ${exported.file} ${positionals.length === 1 && positionals[0]!.toLowerCase().endsWith('.gguf') ? positionals[0] : 'IN.gguf'} OUT.gguf ${exported.baseType}`;
    io.stdout.write(flags.json
      ? `${JSON.stringify(presetPlanJson(plan, prediction, exported, model.generic ?? null))}\n`
      : presetPlanText(plan, prediction, positionals, exported && how !== null ? { file: exported.file, how } : null, model.generic ?? null));
    return 0;
  },
};

async function writeExport(file: string, text: string): Promise<void> {
  try {
    await fs.writeFile(file, text);
  } catch (e) {
    throw new UsageError(`--out ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
