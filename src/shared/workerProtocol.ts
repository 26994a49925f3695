/**
 * Messages between the host (AnalysisPool) and its worker threads. Every request carries an
 * id and is answered by exactly one `result` or `error` with that id; `progress` may come before.
 */
import type { AnalysisOptions, ModelSummary, TensorResult } from './analysisTypes';
import type { CompareMapping, CompareOutcome, PairHistograms, PairSpec } from './compareTypes';
import type { EstimateShare, TensorEstimate } from './estimateTypes';
import type { ElementRange, PartErrorSums, StatsSums } from './tensorPartTypes';
import type { PlanErrorParams, PlanErrorResult } from './planErrorProtocol';
import type { BlockRequest, BlockStats } from './webviewProtocol';

/**
 * The files as a job found them when it started (core/io/fileIdentity.ts versionOf): a request
 * that finds them otherwise fails with "the file changed on disk", so one job never mixes two versions.
 */
interface Pinned {
  readonly version?: string;
}

/** What each method takes and returns. */
export interface WorkerMethods {
  /** Headers only: the tensor list of a model. */
  inspect: { params: { readonly paths: readonly string[] } & Pinned; result: ModelSummary };
  /** One whole tensor, every scheme of `options`. */
  analyzeTensor: {
    params: { readonly paths: readonly string[]; readonly tensor: string; readonly options: AnalysisOptions } & Pinned;
    result: TensorResult;
  };
  /** The progressive first estimate of every tensor an analysis covers (core/analysis/progressive), from a sample of each. */
  estimateTensors: {
    params: { readonly paths: readonly string[]; readonly options: AnalysisOptions; readonly tensors?: string; readonly share?: EstimateShare } & Pinned;
    result: TensorEstimate[];
  };
  /** Pass 1 over a part of one large tensor split across threads (core/analysis/engine/tensorParts.ts). */
  analyzePartStats: {
    params: { readonly paths: readonly string[]; readonly tensor: string; readonly options: AnalysisOptions; readonly range: ElementRange } & Pinned;
    result: StatsSums;
  };
  /** Pass 2 over a part of that tensor, given the merged pass-1 sums of all its parts. */
  analyzePartErrors: {
    params: {
      readonly paths: readonly string[]; readonly tensor: string; readonly options: AnalysisOptions; readonly range: ElementRange; readonly sums: StatsSums;
    } & Pinned;
    result: PartErrorSums;
  };
  /** Per-channel or per-group ranges of one tensor (the Tensor tab's chart), in one streamed pass. */
  blockStats: { params: { readonly paths: readonly string[]; readonly request: BlockRequest }; result: BlockStats };
  /** One planned tensor's relative error under each candidate (a plan's error sweep), in one streamed pass. */
  planErrors: { params: PlanErrorParams; result: PlanErrorResult };
  /** Two models paired and measured (CLI.md `compare`); progress counts the candidate's elements read. */
  compare: {
    params: { readonly reference: readonly string[]; readonly candidate: readonly string[]; readonly mapping: CompareMapping };
    result: CompareOutcome;
  };
  /** The Compare panel's drill-down: histograms of one pair. */
  compareHistograms: {
    params: { readonly reference: readonly string[]; readonly candidate: readonly string[]; readonly mapping: CompareMapping; readonly pair: PairSpec; readonly bins: number };
    result: PairHistograms;
  };
}

export type WorkerMethod = keyof WorkerMethods;
export type MethodParams<M extends WorkerMethod> = WorkerMethods[M]['params'];
export type MethodResult<M extends WorkerMethod> = WorkerMethods[M]['result'];

export type WorkerRequest = {
  [M in WorkerMethod]: { readonly kind: 'request'; readonly id: number; readonly method: M; readonly params: MethodParams<M> };
}[WorkerMethod];

/** Asks the worker to stop request `id`; it then answers that request with a `cancelled` error. */
export interface CancelMessage {
  readonly kind: 'cancel';
  readonly id: number;
}

export type HostToWorker = WorkerRequest | CancelMessage;

/** An error as it crosses the thread boundary (class identity does not survive structured clone). */
export type SerializedError =
  | { readonly kind: 'format'; readonly format: string; readonly message: string; readonly offset: number | null; readonly file: string | null }
  | { readonly kind: 'usage'; readonly message: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'internal'; readonly message: string; readonly stack: string | null };

export type WorkerToHost =
  | { readonly kind: 'result'; readonly id: number; readonly value: MethodResult<WorkerMethod> }
  | { readonly kind: 'error'; readonly id: number; readonly error: SerializedError }
  /** Elements of the request's tensor processed so far (cumulative, both passes counted once). */
  | { readonly kind: 'progress'; readonly id: number; readonly elementsDone: number };
