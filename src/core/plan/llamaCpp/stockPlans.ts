import { planLlamaCppPreset, type LlamaModel, type LlamaPlan } from './planPreset';
import { presetNames } from './ftypes';

/**
 * Every stock preset llama-quantize would apply to `model` as it stands (those it refuses, for a
 * shape or a missing importance matrix, left out): the plans a budget plan must never be worse than.
 */
export function stockPlans(model: LlamaModel, hasImatrix: boolean): LlamaPlan[] {
  const plans: LlamaPlan[] = [];
  for (const preset of presetNames()) {
    try {
      const plan = planLlamaCppPreset(model, { preset, hasImatrix });
      if (hasImatrix || plan.needsImatrix.length === 0) plans.push(plan);
    } catch {
      // llama-quantize fails on this model with this preset: not a plan to compare with
    }
  }
  return plans;
}
