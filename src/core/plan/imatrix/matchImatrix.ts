import { FormatError, UsageError } from '../../errors';
import { TOKEN_EMBD_NAMES } from '../llamaCpp/categories';
import type { PlanTensor } from '../planTypes';
import type { Imatrix } from './imatrixTypes';

/** Values llama-quantize expects for a tensor: one per input column of each matrix (ne0 * ne2). */
export function imatrixLength(tensor: PlanTensor): number {
  return (tensor.ne[0] ?? 1) * (tensor.ne[2] ?? 1);
}

/**
 * The column weights of each model tensor the imatrix covers, checked as llama-quantize checks
 * them (llama-quant.cpp: size ne0 * ne2, token embeddings exempt; no non-finite values), and
 * stricter: an entry naming no tensor of the model means the imatrix is another model's.
 * Tensors without an entry are weighted evenly, as llama-quantize quantizes them without one.
 */
export function matchImatrix(imatrix: Imatrix, tensors: readonly PlanTensor[]): Map<string, Float32Array> {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const weights = new Map<string, Float32Array>();
  for (const [name, entry] of imatrix.entries) {
    const tensor = byName.get(name);
    if (!tensor) throw new UsageError(`--imatrix ${imatrix.file}: ${name} is not a tensor of the model (an importance matrix of another model?)`);
    const expected = imatrixLength(tensor);
    if (entry.values.length !== expected) {
      if (TOKEN_EMBD_NAMES.has(name)) continue;
      throw new UsageError(`--imatrix ${imatrix.file}: ${name} has ${entry.values.length} values, the model's tensor needs ${expected} (${tensor.ne[0]} columns${(tensor.ne[2] ?? 1) > 1 ? ` x ${tensor.ne[2]} experts` : ''})`);
    }
    for (const v of entry.values) {
      if (!Number.isFinite(v)) throw new FormatError('imatrix', `${imatrix.file}: ${name} contains the non-finite value ${v}`);
    }
    weights.set(name, entry.values);
  }
  if (weights.size === 0 && tensors.length > 0) throw new UsageError(`--imatrix ${imatrix.file}: no entry matches a tensor of the model`);
  return weights;
}
