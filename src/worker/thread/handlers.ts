import { tensorBlockStats } from '../../core/analysis/blockStats';
import { analyzeTensorFast } from '../../core/analysis/engine/engine';
import { analyzePartErrors, analyzePartStats } from '../../core/analysis/engine/tensorParts';
import { findTensor } from '../../core/analysis/findTensor';
import { estimateModel } from '../../core/analysis/progressive/estimateModel';
import { skipReason } from '../../core/analysis/runAnalysis';
import { summarizeModel } from '../../core/analysis/summary';
import { compareModels } from '../../core/compare/compareModels';
import { pairHistograms } from '../../core/compare/pairHistograms';
import { decodeStorages } from '../../core/decode/decodedModel';
import { UsageError } from '../../core/errors';
import { runPlanErrorParams } from '../../core/plan/errors/planErrorRequest';
import { loadWasmKernels } from '../../core/analysis/engine/wasmKernels';
import type { MethodParams, MethodResult, WorkerMethod } from '../../shared/workerProtocol';
import type { ModelCache } from './modelCache';
import { watchedReads } from './watchedReads';

export interface HandlerContext {
  readonly models: ModelCache;
  readonly signal: AbortSignal;
  readonly onElements: (done: number) => void;
}

type Handler<M extends WorkerMethod> = (params: MethodParams<M>, ctx: HandlerContext) => Promise<MethodResult<M>>;

/** One handler per method: the worker's whole repertoire. */
export const HANDLERS: { readonly [M in WorkerMethod]: Handler<M> } = {
  inspect: (params, ctx) => ctx.models.use(params.paths, async (model) => summarizeModel(model), params.version),

  analyzeTensor: (params, ctx) =>
    ctx.models.use(params.paths, async (model) => {
      const entry = findTensor(model.tensors, params.tensor, model.file);
      const reason = skipReason(entry);
      if (reason) throw new UsageError(`${params.tensor}: cannot analyse: ${reason}`);
      return analyzeTensorFast(entry, params.options, { signal: ctx.signal, onElements: ctx.onElements }, loadWasmKernels());
    }, params.version),

  estimateTensors: (params, ctx) =>
    ctx.models.use(params.paths, (model) => estimateModel(model, params.options, params.tensors, () => undefined, ctx.signal, params.share), params.version),

  analyzePartStats: (params, ctx) =>
    ctx.models.use(params.paths, async (model) => {
      const entry = findTensor(model.tensors, params.tensor, model.file);
      return analyzePartStats(entry, params.options, params.range, loadWasmKernels(), { signal: ctx.signal, onElements: ctx.onElements });
    }, params.version),

  analyzePartErrors: (params, ctx) =>
    ctx.models.use(params.paths, async (model) => {
      const entry = findTensor(model.tensors, params.tensor, model.file);
      return analyzePartErrors(entry, params.options, params.range, params.sums, loadWasmKernels(), { signal: ctx.signal, onElements: ctx.onElements });
    }, params.version),

  blockStats: (params, ctx) =>
    ctx.models.use(params.paths, async (model) => {
      const entry = findTensor(model.tensors, params.request.tensor, model.file);
      return tensorBlockStats(entry, params.request, { signal: ctx.signal });
    }),

  // As the CLI: quantized storages decoded; only the candidate's reads are counted (the host knows its size, and every pair reads it once).
  compare: (params, ctx) =>
    ctx.models.use(params.reference, (reference) =>
      ctx.models.use(params.candidate, async (candidate) => {
        const [r, c] = [await decodeStorages(reference), await decodeStorages(candidate)];
        return compareModels(watchedReads(r.model, ctx.signal, () => undefined), watchedReads(c.model, ctx.signal, ctx.onElements), params.mapping, c);
      })),

  compareHistograms: (params, ctx) =>
    ctx.models.use(params.reference, (reference) =>
      ctx.models.use(params.candidate, async (candidate) => {
        const [r, c] = [await decodeStorages(reference), await decodeStorages(candidate)];
        return pairHistograms(r.model, c.model, params.mapping, params.pair, params.bins, ctx.signal);
      })),

  planErrors: (params, ctx) =>
    ctx.models.use(params.paths, (model) => runPlanErrorParams(model, params, { signal: ctx.signal, onProgress: ctx.onElements })),
};
