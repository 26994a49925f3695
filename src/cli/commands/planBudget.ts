/**
 * `plan --budget-bpw B | --budget-bytes N`: the errors of every planned tensor under every
 * candidate (worker pool, cached), the predicted-damage model (refit from one measured plan if
 * given), the solver at the budget, the Pareto front, and stock presets predicted beside it.
 */
import { promises as fs } from 'node:fs';
import { UsageError } from '../../core/errors';
import { candidateName, type Candidate } from '../../core/plan/costModel';
import { alphaOf, tensorDamage } from '../../core/plan/damage/alpha';
import { relErrOf } from '../../core/plan/errors/errorTable';
import type { ErrorRunner, SweepProgress } from '../../core/plan/errors/errorSweep';
import { modelErrors, type ModelErrors, type SweptModel } from '../../core/plan/errors/modelErrors';
import type { Plan, PlanTensor } from '../../core/plan/planTypes';
import { buildPlanProblem, candidatesFor, smallestPlanBytes, type PlanRules } from '../../core/plan/solver/planProblem';
import { assertReachable, paretoOf, planAtBudget, predictPlan, type Budget, type BudgetPlan, type PredictedPlan } from '../../core/plan/solver/planAtBudget';
import type { PlanTarget } from '../../core/plan/targets';

/** One measured plan: `--refit PLAN.json=VALUE`. */
export interface Refit {
  readonly file: string;
  /** What llama-perplexity measured for that plan (e.g. its mean KL divergence). */
  readonly measured: number;
}

export interface RefitResult extends Refit {
  /** The plan's predicted damage with the default alphas. */
  readonly predictedBefore: number;
  /** The factor every alpha was multiplied by. */
  readonly scale: number;
}

export interface BudgetRequest {
  readonly paths: readonly string[];
  readonly model: SweptModel;
  readonly target: PlanTarget;
  readonly budget: Budget;
  readonly candidates: readonly Candidate[];
  readonly imatrixFile: string | null;
  readonly keep: RegExp | null;
  readonly refit: Refit | null;
  /** Stock presets of the target predicted with the same errors, for comparison. */
  readonly presets: readonly string[];
  /** The target's stock plan for a preset name (llama.cpp ftypes, or the tool's named configs). */
  readonly presetPlan: (preset: string) => Plan;
  /** Every stock plan the tool would apply to the model: the solver is never worse than one at its size. */
  readonly stock: readonly Plan[];
  readonly cacheDir: string | null;
  readonly run: ErrorRunner;
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
}

export interface BudgetResult {
  readonly plan: BudgetPlan;
  readonly presets: readonly PredictedPlan[];
  readonly errors: ModelErrors;
  readonly refit: RefitResult | null;
}

export function parseBudget(bpw: string | undefined, bytes: string | undefined): Budget | null {
  if (bpw !== undefined && bytes !== undefined) throw new UsageError('plan: give one of --budget-bpw and --budget-bytes');
  if (bpw !== undefined) {
    const value = Number(bpw);
    if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`plan: --budget-bpw ${bpw} is not a positive number of bits per weight`);
    return { bpw: value };
  }
  if (bytes !== undefined) {
    const value = Number(bytes);
    if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`plan: --budget-bytes ${bytes} is not a positive whole number of bytes`);
    return { bytes: value };
  }
  return null;
}

export function parseRefit(text: string): Refit {
  const at = text.lastIndexOf('=');
  const measured = Number(text.slice(at + 1));
  if (at <= 0 || !(measured > 0) || !Number.isFinite(measured)) {
    throw new UsageError(`plan: --refit ${text}: expected PLAN.json=VALUE with VALUE the positive damage measured for that plan (e.g. llama-perplexity's mean KLD)`);
  }
  return { file: text.slice(0, at), measured };
}

/** The candidate of each tensor in a `plan --json` file, checked against the model and the target. */
async function readPlanFile(file: string, tensors: readonly PlanTensor[], target: PlanTarget): Promise<Map<string, Candidate>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`plan: --refit ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const list = (parsed as { tensors?: unknown }).tensors;
  if (!Array.isArray(list)) throw new UsageError(`plan: --refit ${file} is not a plan --json output (no tensors list)`);
  const known = new Map(tensors.map((t) => [t.name, t]));
  const out = new Map<string, Candidate>();
  for (const item of list as unknown[]) {
    const { name, type } = (item ?? {}) as { name?: unknown; type?: unknown };
    if (typeof name !== 'string' || typeof type !== 'string') throw new UsageError(`plan: --refit ${file}: a tensor without a name and type`);
    const tensor = known.get(name);
    if (!tensor) throw new UsageError(`plan: --refit ${file}: ${name} is not a tensor of this model`);
    out.set(name, type === tensor.type ? { kind: 'keep' } : target.parseCandidate(type));
  }
  return out;
}

export async function planBudget(request: BudgetRequest): Promise<BudgetResult> {
  const { model, target, keep } = request;
  const rules: PlanRules = {
    name: target.name,
    bytesOf: (c, t) => target.bytesOf(c, t),
    fallback: (c, t) => target.fallback(c, t),
    groupOf: (t) => target.groupOf(t),
    notPlanned: (t) => (keep && [t.name, ...(t.sourceNames ?? [])].some((n) => keep.test(n)) ? '--keep' : target.notPlanned(t)),
  };
  // sizes come from the cost model alone: an impossible budget is refused before any error is computed
  assertReachable(request.budget, smallestPlanBytes(model.tensors, request.candidates, rules), model.tensors.reduce((n, t) => n + t.numel, 0));
  const presets = request.presets.map(request.presetPlan);
  const refitPlan = request.refit ? await readPlanFile(request.refit.file, model.tensors, target) : null;
  const extra = new Map<string, Candidate[]>();
  const note = (name: string, c: Candidate): void => {
    const list = extra.get(name) ?? [];
    if (!list.some((o) => candidateName(o) === candidateName(c))) list.push(c);
    extra.set(name, list);
  };
  for (const p of presets) for (const t of p.tensors) note(t.name, t.candidate);
  for (const [name, c] of refitPlan ?? []) note(name, c);
  const errors = await modelErrors({
    paths: request.paths, model,
    // presets and the refit plan may store tensors the target's rules keep: price every tensor they change
    planned: (t) => rules.notPlanned(t) === null || extra.has(t.name),
    candidatesOf: (t) => [...(rules.notPlanned(t) === null ? candidatesFor(rules, t, request.candidates) : []), ...(extra.get(t.name) ?? [])],
    bytesOf: rules.bytesOf, imatrixFile: request.imatrixFile, cacheDir: request.cacheDir,
    run: request.run, concurrency: request.concurrency,
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  let refit: RefitResult | null = null;
  if (request.refit && refitPlan) {
    const predictedBefore = model.tensors.reduce((d, t) => {
      const c = refitPlan.get(t.name);
      return c ? d + tensorDamage(alphaOf(t.name), relErrOf(errors.table, t, c)) : d;
    }, 0);
    if (!(predictedBefore > 0)) throw new UsageError(`plan: --refit ${request.refit.file}: that plan has no predicted damage (every tensor kept as stored), so it cannot set the scale`);
    refit = { ...request.refit, predictedBefore, scale: request.refit.measured / predictedBefore };
  }
  // every stock plan expressible in the candidates seeds the solver (and the target's presets):
  // never worse than one at its size
  const problem = buildPlanProblem(model.tensors, request.candidates, errors.table, rules, refit?.scale ?? 1, request.stock);
  const plan = planAtBudget(problem, request.budget, paretoOf(problem), presets);
  return { plan, presets: presets.map((p) => predictPlan(p, model.tensors, errors.table, problem.alphas)), errors, refit };
}
