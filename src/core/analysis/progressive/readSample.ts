import { toFloat32 } from '../../dtypes/contiguous';
import type { TensorEntry } from '../../tensor';
import { unitSize, type SamplePlan } from './samplePlan';

/** Reads the sampled units of a tensor into one float32 array, laid out as plan.sampleShape (all reads in flight at once). */
export async function readSample(entry: TensorEntry, plan: SamplePlan): Promise<Float32Array> {
  const sample = new Float32Array(plan.sampleElements);
  let offset = 0;
  const reads = plan.units.map((u) => {
    const count = unitSize(u, plan.unitLength, entry.numel);
    const out = sample.subarray(offset, offset + count);
    offset += count;
    const start = u * plan.unitLength;
    if (entry.data.readFloat32Into) return entry.data.readFloat32Into(start, count, out);
    return entry.data.read(start, count).then((v) => out.set(toFloat32(v)));
  });
  await Promise.all(reads);
  return sample;
}
