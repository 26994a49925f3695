import { analyzeTensorFast } from '../core/analysis/engine/engine';
import { findTensor } from '../core/analysis/findTensor';
import { skipReason } from '../core/analysis/runAnalysis';
import { summarizeModel } from '../core/analysis/summary';
import { UsageError } from '../core/errors';
import { loadWasmKernels } from '../core/quant/kernels/wasmKernels';
import type { Values } from '../core/tensor';
import type { MethodParams, MethodResult, WorkerMethod } from '../shared/workerProtocol';
import type { ModelCache } from './modelCache';

/** Largest `values` request: 64 MB of float32, enough for any chart, small enough to copy between threads. */
export const MAX_VALUES_PER_REQUEST = 16 * 1024 * 1024;

export interface HandlerContext {
  readonly models: ModelCache;
  readonly signal: AbortSignal;
  readonly onElements: (done: number) => void;
}

type Handler<M extends WorkerMethod> = (params: MethodParams<M>, ctx: HandlerContext) => Promise<MethodResult<M>>;

/** One handler per method: the worker's whole repertoire. */
export const HANDLERS: { readonly [M in WorkerMethod]: Handler<M> } = {
  inspect: (params, ctx) => ctx.models.use(params.paths, async (model) => summarizeModel(model)),

  analyzeTensor: (params, ctx) =>
    ctx.models.use(params.paths, async (model) => {
      const entry = findTensor(model.tensors, params.tensor, model.file);
      const reason = skipReason(entry);
      if (reason) throw new UsageError(`${params.tensor}: cannot analyse: ${reason}`);
      return analyzeTensorFast(entry, params.options, { signal: ctx.signal, onElements: ctx.onElements }, loadWasmKernels());
    }),

  values: (params, ctx) =>
    ctx.models.use(params.paths, async (model) => {
      const entry = findTensor(model.tensors, params.tensor, model.file);
      const { start, count } = params;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > entry.numel) {
        throw new UsageError(`${params.tensor}: values ${start}+${count} outside its ${entry.numel} elements`);
      }
      if (count > MAX_VALUES_PER_REQUEST) {
        throw new UsageError(`${params.tensor}: ${count} values asked, at most ${MAX_VALUES_PER_REQUEST} per request`);
      }
      // Block formats decode whole blocks: read from the block boundary, then drop the lead-in.
      const lead = start % entry.data.blockSize;
      const decoded = await entry.data.read(start - lead, count + lead);
      return toFloat32(decoded, lead, count);
    }),
};

/** Values as a fresh float32 array (its buffer is transferred to the host, so never a view of a cache). */
function toFloat32(values: Values, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[i] = Number(values[offset + i]!);
  } else {
    out.set(values.subarray(offset, offset + count));
  }
  return out;
}
