import type { PlanErrorParams, PlanErrorResult } from '../../../shared/planErrorProtocol';
import { UsageError } from '../../errors';
import type { Model } from '../../tensor';
import { candidateName } from '../costModel';
import { isPlanTargetName } from '../planTypes';
import { PLAN_TARGETS } from '../targets';
import type { StreamHooks } from '../../analysis/chunkStream';
import { tensorErrorSums, type TensorErrorRequest } from './tensorErrors';

/** The worker method's params for one sweep request (candidates by name, for the target to parse back). */
export function planErrorParams(paths: readonly string[], target: string, request: TensorErrorRequest): PlanErrorParams {
  const { name, ne, numel, type, bytes } = request.tensor;
  return {
    paths, target, candidates: request.candidates.map(candidateName), sources: request.sources,
    tensor: { name, ne, numel, type, bytes }, weights: request.weights,
  };
}

/** The worker's side: the candidates parsed by the target, then one streamed pass. */
export function runPlanErrorParams(model: Model, params: PlanErrorParams, hooks: StreamHooks): Promise<PlanErrorResult> {
  if (!isPlanTargetName(params.target)) throw new UsageError(`unknown plan target '${params.target}'`);
  const target = PLAN_TARGETS[params.target];
  return tensorErrorSums(model, {
    sources: params.sources, tensor: params.tensor, candidates: params.candidates.map((c) => target.parseCandidate(c)), weights: params.weights,
  }, hooks);
}
