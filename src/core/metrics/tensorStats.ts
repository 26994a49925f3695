import type { TensorStats } from '../../shared/analysisTypes';
import { STATS } from './statsKernel';

/**
 * TensorStats from a STATS accumulator. std is the population standard deviation (numpy's
 * default, ddof = 0). A tensor without finite values reports zeros (JSON holds no NaN).
 */
export function finishTensorStats(acc: Float64Array): TensorStats {
  const count = acc[STATS.COUNT]!;
  const nonFinite = acc[STATS.NON_FINITE]!;
  if (count === 0) return { min: 0, max: 0, absMax: 0, mean: 0, std: 0, nonFinite };
  const min = acc[STATS.MIN]!;
  const max = acc[STATS.MAX]!;
  return {
    min, max, absMax: Math.max(-min, max),
    mean: acc[STATS.MEAN]!,
    std: Math.sqrt(acc[STATS.M2]! / count),
    nonFinite,
  };
}
