import type { ModelSummary, TensorSummary } from '../../shared/analysisTypes';
import type { Model, TensorInfo } from '../tensor';

/** The serialisable listing of an opened model (what `inspect` shows and what crosses threads). */
export function summarizeModel(model: Model): ModelSummary {
  return {
    file: model.file,
    format: model.format,
    metadata: model.metadata,
    tensors: model.tensors.map(summarizeTensor),
    sizeOnDisk: model.sizeOnDisk,
  };
}

function summarizeTensor(t: TensorInfo): TensorSummary {
  const base = { name: t.name, dtype: t.dtype, shape: t.shape, numel: t.numel, byteLength: t.byteLength, source: t.source };
  return t.storage ? { ...base, storage: { ...t.storage } } : base;
}
