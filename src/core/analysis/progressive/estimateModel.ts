import type { AnalysisOptions } from '../../../shared/analysisTypes';
import type { TensorEstimate } from '../../../shared/estimateTypes';
import type { Model } from '../../tensor';
import { throwIfAborted } from '../chunkStream';
import { planAnalysis } from '../runAnalysis';
import { estimateTensor } from './estimateTensor';

/**
 * First estimates of every tensor an analysis of `model` covers (same filter, same skips), in the
 * model's order; `onEstimate` gets each as it is ready. Tensors that cannot be sampled are left out.
 */
export async function estimateModel(
  model: Model, options: AnalysisOptions, filter: string | undefined, onEstimate: (e: TensorEstimate) => void, signal?: AbortSignal,
): Promise<TensorEstimate[]> {
  const plan = planAnalysis(model.tensors, filter);
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const inFileOrder = [...plan.work].sort((a, b) => plan.fileOrder.get(a.name)! - plan.fileOrder.get(b.name)!);
  const estimates: TensorEstimate[] = [];
  for (const t of inFileOrder) {
    throwIfAborted(signal);
    const estimate = await estimateTensor(byName.get(t.name)!, options);
    if (!estimate) continue;
    estimates.push(estimate);
    onEstimate(estimate);
  }
  throwIfAborted(signal);
  return estimates;
}
