import type { DType } from '../../../src/shared/vocab/dtypes';
import type { TensorEntry } from '../../../src/core/tensor';

/** A float32 tensor held in memory, read in whatever chunks the analysis asks for; counts the reads. */
export function memoryTensor(values: ArrayLike<number>, shape: readonly number[], opts: { name?: string; dtype?: DType; blockSize?: number } = {}): TensorEntry & { reads: number } {
  const data = Float32Array.from(values);
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel !== data.length) throw new Error(`shape ${shape} does not hold ${data.length} values`);
  const entry = {
    name: opts.name ?? 't', dtype: opts.dtype ?? 'F32', shape, numel, byteLength: numel * 4, source: 'memory',
    reads: 0,
    data: {
      blockSize: opts.blockSize ?? 1,
      async read(start: number, count: number) {
        entry.reads++;
        return data.slice(start, start + count);
      },
    },
  };
  return entry;
}
