/**
 * Plans of the core as the Plan tab shows them: one row per tensor with its role and layer, and
 * the stock presets that apply to a model. Plain TypeScript (no vscode), so it is unit-tested.
 */
import { roleOf } from '../core/plan/damage/roles';
import { layerOfName } from '../core/plan/llamaCpp/categories';
import { planLlamaCppPreset, type LlamaModel, type LlamaPlan } from '../core/plan/llamaCpp/planPreset';
import { presetNames } from '../core/plan/llamaCpp/ftypes';
import type { Plan } from '../core/plan/planTypes';
import type { PredictedPlan } from '../core/plan/solver/planAtBudget';
import type { PlanShown } from '../shared/planPanelProtocol';

/** The commit of llama.cpp whose src/llama-quant.cpp the rules in core/plan/llamaCpp port. */
export const LLAMA_CPP_RULES = 'llama.cpp 81ff7abe';

/** Presets not offered: F32 plans nothing a user would pick (every tensor widened to 32 bits). */
const NOT_OFFERED: ReadonlySet<string> = new Set(['F32']);

/** A core plan as rows; the error columns stay empty until the error model has priced the plan. */
export function shownPlan(label: string, plan: Plan | PredictedPlan): PlanShown {
  const predicted = 'predictedDamage' in plan ? plan : null;
  return {
    label,
    rows: plan.tensors.map((t, i) => {
      const p = predicted?.tensors[i]?.predicted;
      return {
        name: t.name, role: roleOf(t.name), layer: layerOfName(t.name), type: t.type, bytes: t.bytes,
        requested: t.requested, reason: t.reason, relErr: p?.relErr ?? null, damage: p?.damage ?? null,
      };
    }),
    totalBytes: plan.totalBytes,
    totalValues: plan.totalValues,
    bitsPerWeight: plan.bitsPerWeight,
    damage: predicted?.predictedDamage ?? null,
  };
}

/**
 * Every stock preset llama-quantize can apply to `model` as it stands: those it would refuse
 * without an importance matrix (when none is given) are left out. When none applies, throws why
 * the first one does not (e.g. a model already quantized, which llama-quantize will not convert).
 */
export function applicablePresets(model: LlamaModel, hasImatrix: boolean): Map<string, LlamaPlan> {
  const plans = new Map<string, LlamaPlan>();
  let firstError: unknown = null;
  for (const preset of presetNames()) {
    if (NOT_OFFERED.has(preset)) continue;
    try {
      const plan = planLlamaCppPreset(model, { preset, hasImatrix });
      if (hasImatrix || plan.needsImatrix.length === 0) plans.set(preset, plan);
    } catch (e) {
      firstError ??= e;
    }
  }
  if (plans.size === 0 && firstError !== null) throw firstError;
  return plans;
}

/** The preset a new Plan tab starts from: the common Q4_K_M when it applies, else the first one. */
export function defaultPreset(presets: readonly string[]): string | null {
  return presets.includes('Q4_K_M') ? 'Q4_K_M' : presets[0] ?? null;
}
