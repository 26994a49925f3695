/**
 * The budget side of `quantlens plan` (and predictions for a preset): errors in the worker pool
 * when the CLI runs from its bundle (dist/worker.js beside it), in-process when run from sources.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../core/errors';
import { openModel } from '../../core/formats/registry';
import { candidateName } from '../../core/plan/costModel';
import { defaultCacheDir } from '../../core/plan/errors/errorCache';
import type { ErrorRunner } from '../../core/plan/errors/errorSweep';
import { predictStock, unpredictedWhy, type StockPrediction } from '../../core/plan/solver/predictStock';
import { planErrorParams } from '../../core/plan/errors/planErrorRequest';
import { tensorErrorSums } from '../../core/plan/errors/tensorErrors';
import type { SweptModel } from '../../core/plan/errors/modelErrors';
import type { PlanExport } from '../../core/plan/exports';
import { openLlamaModel } from '../../core/plan/llamaCpp/openLlamaModel';
import { planLlamaCppPreset, resolvePreset } from '../../core/plan/llamaCpp/planPreset';
import { stockPlans } from '../../core/plan/llamaCpp/stockPlans';
import { exportBase } from '../../core/plan/llamaCpp/tensorTypeFile';
import type { Plan, PlanTargetName } from '../../core/plan/planTypes';
import type { Budget } from '../../core/plan/solver/planAtBudget';
import { parseCandidateList, PLAN_TARGETS, type PlanTarget } from '../../core/plan/targets';
import { openTargetModel } from '../../core/plan/targets/openTargetModel';
import { OWN_NAMES, planTargetPreset, presetOf, presetsAmong, targetStockPlans } from '../../core/plan/targets/presets';
import '../../core/quant/ggml';
import { AnalysisPool } from '../../worker/host/pool';
import type { CliIO } from '../command';
import { parseRefit, planBudget, type BudgetResult } from './planBudget';
import { budgetPlanJson, budgetPlanText, type Exported } from './planBudgetOutput';

/** The worker bundle next to the CLI bundle (esbuild.mjs); absent when the CLI runs from sources. */
const WORKER_SCRIPT = path.join(__dirname, 'worker.js');

export interface BudgetFlags {
  readonly target: PlanTargetName;
  readonly budget: Budget;
  readonly candidates: string | undefined;
  readonly imatrix: string | undefined;
  readonly keep: RegExp | null;
  readonly refit: string | undefined;
  readonly presets: string | undefined;
  readonly cache: string | undefined;
  readonly noCache: boolean;
  readonly json: boolean;
  /** Where to write the plan in the tool's syntax, with --export; null: not written. */
  readonly exported: { readonly as: PlanExport; readonly out: string } | null;
}

/** The model as the target reads it, and its stock plan for a preset name (checked before any error is computed). */
interface TargetModel {
  readonly model: SweptModel;
  readonly presetPlan: (preset: string) => Plan;
  /** Every stock plan the tool would apply to this model. */
  readonly stock: readonly Plan[];
}

async function openForTarget(paths: readonly string[], target: PlanTarget, flags: BudgetFlags, presets: readonly string[]): Promise<TargetModel> {
  if (target.name === 'llama.cpp') {
    for (const p of presets) resolvePreset(p);
    const model = await openLlamaModel(paths);
    return {
      model, presetPlan: (preset) => planLlamaCppPreset(model, { preset, hasImatrix: flags.imatrix !== undefined }),
      stock: stockPlans(model, flags.imatrix !== undefined),
    };
  }
  if (flags.imatrix !== undefined) throw new UsageError(`plan: --imatrix is llama.cpp's (--target llama.cpp), not ${target.name}'s`);
  for (const p of presets) presetOf(target, p);
  const tensors = await openTargetModel(paths);
  return {
    model: { tensors, facts: OWN_NAMES }, presetPlan: (preset) => planTargetPreset(target, tensors, preset),
    stock: [...targetStockPlans(target, tensors).values()],
  };
}

async function writePlanExport(file: string, text: string): Promise<void> {
  try {
    await fs.writeFile(file, text);
  } catch (e) {
    throw new UsageError(`--out ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function withRunner<T>(paths: readonly string[], target: string, use: (run: ErrorRunner, concurrency: number) => Promise<T>): Promise<T> {
  if (existsSync(WORKER_SCRIPT)) {
    const pool = new AnalysisPool({ workerScript: WORKER_SCRIPT });
    try {
      return await use((request, signal, onElements) => pool.planErrors(planErrorParams(paths, target, request), onElements, signal), pool.threads);
    } finally {
      await pool.dispose();
    }
  }
  const model = await openModel(paths);
  try {
    return await use((request, signal, onElements) => tensorErrorSums(model, request, { signal, onProgress: onElements }), 1);
  } finally {
    await model.close();
  }
}

/** Where --preset plans and budget plans cache their errors: --cache DIR, none with --no-cache, else the default folder. */
function cacheDirOf(cache: string | undefined, noCache: boolean): string | null {
  return noCache ? null : (cache ?? defaultCacheDir());
}

export interface PresetPredictionFlags {
  readonly imatrix: string | undefined;
  readonly cache: string | undefined;
  readonly noCache: boolean;
  /** --no-predict: sizes only, no pass over the weights. */
  readonly noPredict: boolean;
}

/** A stock preset's plan priced by the errors a budget plan would use (same cache), or why it is not. */
export async function predictPresetPlan(paths: readonly string[], target: PlanTarget, model: SweptModel, plan: Plan, flags: PresetPredictionFlags, io: CliIO): Promise<StockPrediction> {
  if (flags.noPredict) return { plan: null, errors: null, unpredicted: 'not computed: --no-predict' };
  // a type without a quantizer is known from the plan alone: no runner started for it
  const unpredicted = unpredictedWhy(plan, { model });
  if (unpredicted !== null) return { plan: null, errors: null, unpredicted };
  const onProgress = progressLine(io);
  const prediction = await withRunner(paths, target.name, (run, concurrency) => predictStock(plan, {
    paths, model, bytesOf: (c, t) => target.bytesOf(c, t), imatrixFile: flags.imatrix ?? null, cacheDir: cacheDirOf(flags.cache, flags.noCache),
    run, concurrency: Math.max(1, Math.min(concurrency, os.availableParallelism())), ...(onProgress ? { onProgress } : {}),
  }));
  if (onProgress) io.stderr.write('\r\x1b[K');
  return prediction;
}

function progressLine(io: CliIO): ((p: { elementsDone: number; elementsTotal: number; tensorsDone: number; tensorsTotal: number }) => void) | undefined {
  if (!io.stderr.isTTY) return undefined;
  return (p) => io.stderr.write(`\rpricing candidates: ${p.tensorsDone}/${p.tensorsTotal} tensors, ${p.elementsTotal > 0 ? ((100 * p.elementsDone) / p.elementsTotal).toFixed(0) : 100} %   `);
}

export async function runBudgetPlan(paths: readonly string[], flags: BudgetFlags, io: CliIO): Promise<number> {
  const target = PLAN_TARGETS[flags.target];
  const candidates = flags.candidates === undefined ? target.defaultCandidates : parseCandidateList(target, flags.candidates);
  const refit = flags.refit === undefined ? null : parseRefit(flags.refit);
  // the other tools' stock recipes over these candidates show beside the front unless --presets says otherwise
  const presets = flags.presets === undefined ? presetsAmong(target, candidates) : flags.presets.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  const { model, presetPlan, stock } = await openForTarget(paths, target, flags, presets);
  const cacheDir = cacheDirOf(flags.cache, flags.noCache);
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  let result: BudgetResult;
  try {
    const onProgress = progressLine(io);
    result = await withRunner(paths, target.name, (run, concurrency) => planBudget({
      paths, model, target, budget: flags.budget, candidates, imatrixFile: flags.imatrix ?? null, keep: flags.keep, refit, presets, presetPlan, stock,
      cacheDir, run, signal: interrupt.signal, concurrency: Math.max(1, Math.min(concurrency, os.availableParallelism())), ...(onProgress ? { onProgress } : {}),
    }));
    if (onProgress) io.stderr.write('\r\x1b[K');
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  let exported: Exported | null = null;
  if (flags.exported !== null) {
    const { as, out } = flags.exported;
    await writePlanExport(out, as.write(result.plan, model.tensors));
    exported = as.target === 'llama.cpp'
      ? { target: as.name, file: out, baseType: exportBase(result.plan) }
      : { target: as.name, file: out, apply: as.apply(out, result.plan) };
  }
  const names = candidates.map(candidateName);
  io.stdout.write(flags.json ? `${JSON.stringify(budgetPlanJson(result, names, exported))}\n` : budgetPlanText(result, paths, names, exported));
  return 0;
}
