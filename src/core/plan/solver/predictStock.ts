/**
 * A stock plan (a tool's preset) priced by the same errors and damage model as a budget plan:
 * each tensor's error under the type the preset chose (from the cache, or one pass in the
 * runner), then `sum alpha * t^2` with the role alphas (predictPlan).
 */
import { candidateName, type Candidate } from '../costModel';
import { alphaOf } from '../damage/alpha';
import type { Plan } from '../planTypes';
import { predictPlan, type PredictedPlan } from './planAtBudget';
import { isExactCopy } from '../errors/errorTable';
import { modelErrors, type ModelErrors, type ModelErrorsRequest } from '../errors/modelErrors';
import { unpricedWhy } from '../errors/roundTrip';

export type StockPrediction =
  | { readonly plan: PredictedPlan; readonly errors: ModelErrors; readonly unpredicted: null }
  /** Some type of the plan has no quantizer here: why there is no prediction. */
  | { readonly plan: null; readonly errors: null; readonly unpredicted: string };

export type StockPredictionRequest = Omit<ModelErrorsRequest, 'planned' | 'candidatesOf'>;

/** Why `plan` cannot be priced (the first tensor whose type has no quantizer here), else null. */
export function unpredictedWhy(plan: Plan, request: Pick<StockPredictionRequest, 'model'>): string | null {
  for (const [i, t] of plan.tensors.entries()) {
    const why = isExactCopy(t.candidate, request.model.tensors[i]!) ? null : unpricedWhy(t.candidate);
    if (why !== null) return `${t.name} is ${candidateName(t.candidate)}: ${why}`;
  }
  return null;
}

/** `plan` (whose tensors are the model's, in its order) with its predicted errors and damage. */
export async function predictStock(plan: Plan, request: StockPredictionRequest): Promise<StockPrediction> {
  const unpredicted = unpredictedWhy(plan, request);
  if (unpredicted !== null) return { plan: null, errors: null, unpredicted };
  const chosen = new Map<string, Candidate>(plan.tensors.map((t) => [t.name, t.candidate]));
  const errors = await modelErrors({
    ...request,
    planned: (tensor) => !isExactCopy(chosen.get(tensor.name)!, tensor),
    candidatesOf: (tensor) => [chosen.get(tensor.name)!],
  });
  const alphas = Float64Array.from(request.model.tensors, (t) => alphaOf(t.name));
  return { plan: predictPlan(plan, request.model.tensors, errors.table, alphas), errors, unpredicted: null };
}
