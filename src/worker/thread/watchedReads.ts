import { CancelledError } from '../../core/errors';
import type { Model, TensorEntry } from '../../core/tensor';

/**
 * The model with every tensor read first checked against `signal` and then counted: work that
 * takes no signal of its own (compareModels) stops at its next read and reports progress.
 * `onElements` gets the elements read so far, all tensors together.
 */
export function watchedReads(model: Model, signal: AbortSignal, onElements: (done: number) => void): Model {
  let done = 0;
  const watch = (t: TensorEntry): TensorEntry => ({
    ...t,
    data: {
      blockSize: t.data.blockSize,
      read: async (start, count) => {
        if (signal.aborted) throw new CancelledError();
        const values = await t.data.read(start, count);
        done += count;
        onElements(done);
        return values;
      },
    },
  });
  return { file: model.file, format: model.format, metadata: model.metadata, sizeOnDisk: model.sizeOnDisk, tensors: model.tensors.map(watch), close: () => model.close() };
}
