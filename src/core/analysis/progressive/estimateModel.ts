import type { AnalysisOptions } from '../../../shared/analysisTypes';
import type { EstimateShare, TensorEstimate } from '../../../shared/estimateTypes';
import type { Model } from '../../tensor';
import { throwIfAborted } from '../chunkStream';
import { planAnalysis } from '../runAnalysis';
import { estimateTensor } from './estimateTensor';

/** Every tensor: the share of a single thread. */
export const WHOLE_MODEL: EstimateShare = { index: 0, count: 1 };

/**
 * First estimates of every tensor an analysis of `model` covers (same filter, same skips), or of
 * `share` of them (threads interleaved over the file order: each sees every kind of tensor), in
 * file order; `onEstimate` gets each as it is ready. Tensors that cannot be sampled are left out.
 */
export async function estimateModel(
  model: Model, options: AnalysisOptions, filter: string | undefined, onEstimate: (e: TensorEstimate) => void, signal?: AbortSignal,
  share: EstimateShare = WHOLE_MODEL,
): Promise<TensorEstimate[]> {
  const plan = planAnalysis(model.tensors, filter);
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const inFileOrder = [...plan.work].sort((a, b) => plan.fileOrder.get(a.name)! - plan.fileOrder.get(b.name)!);
  const mine = inFileOrder.filter((_, i) => i % share.count === share.index);
  const estimates: TensorEstimate[] = [];
  for (const t of mine) {
    throwIfAborted(signal);
    const estimate = await estimateTensor(byName.get(t.name)!, options);
    if (!estimate) continue;
    estimates.push(estimate);
    onEstimate(estimate);
  }
  throwIfAborted(signal);
  return estimates;
}
