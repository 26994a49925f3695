/**
 * One tensor's relative error under each candidate, in one streamed pass over its values:
 * `t^2 = sum_ij w_j (W_ij - Q(W)_ij)^2 / sum_ij w_j W_ij^2`, with w the imatrix column weights of
 * the row's matrix (expert) when given, else 1. That is the error llama-quantize's quantizers
 * weight by `quant_weights` (per column, the imatrix's mean squared activation): the expected
 * squared output error of the layer over the imatrix's inputs, relative to the output itself.
 * Q is the reference quantizer of each type; memory stays one chunk of rows.
 */
import { CHUNK_ELEMENTS, streamTensor, type StreamHooks } from '../../analysis/chunkStream';
import { UsageError } from '../../errors';
import { findTensor } from '../../analysis/findTensor';
import { minMaxRun } from '../../metrics/statsKernel';
import type { Model } from '../../tensor';
import { candidateBytes, errorKeyOf, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { isExactCopy } from './errorTable';
import { needsTensorRange, roundTripOf, type RoundTrip, type TensorRange } from './roundTrip';

/** One input tensor of a planned tensor (several for a Hugging Face model's experts, merged by the converter). */
export interface ErrorSource {
  readonly name: string;
  /** Index of this source's first matrix (expert) in the planned tensor: which imatrix slice weights it. */
  readonly matrixOffset: number;
  /**
   * The source is stored [ne[0], ne[1]] row-major, so a planned row is a stored column (an ONNX
   * MatMul weight B [K, N], whose blocks and channels run along K): it is read whole and transposed.
   */
  readonly transposed?: boolean;
}

export interface TensorErrorRequest {
  readonly sources: readonly ErrorSource[];
  /** The planned tensor (ne[0] values per row, ne[1] rows per matrix). */
  readonly tensor: PlanTensor;
  readonly candidates: readonly Candidate[];
  /** Column weights, ne[0] per matrix, matrices one after another; null: unweighted. */
  readonly weights: Float32Array | null;
}

/** Relative error by candidate error key (errorKeyOf); exact copies and candidates that cannot store the tensor are left out. */
export type TensorRelErrors = Record<string, number>;

interface Accumulator {
  readonly key: string;
  readonly roundTrip: RoundTrip;
  noise: number;
}

/** The candidates to price: each once, not exact copies, only those that can store the tensor. */
function pricedCandidates(request: TensorErrorRequest): Candidate[] {
  const seen = new Set<string>();
  return request.candidates.filter((c) => {
    const key = errorKeyOf(c);
    if (seen.has(key) || isExactCopy(c, request.tensor) || candidateBytes(c, request.tensor) === null) return false;
    seen.add(key);
    return true;
  });
}

/** Elements read per chunk: whole planned rows. */
const stepOf = (rowLength: number): number => Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength)) * rowLength;

/**
 * Hands every chunk of whole planned rows of `source` to `consume`, with its first element's
 * index; a transposed source is read whole and handed over as planned rows.
 */
async function forEachChunk(
  model: Model, source: ErrorSource, tensor: PlanTensor, hooks: StreamHooks, consume: (x: Float32Array, start: number) => void,
): Promise<number> {
  const rowLength = tensor.ne[0] ?? 1;
  const entry = findTensor(model.tensors, source.name, model.file);
  if (entry.numel % rowLength !== 0) throw new UsageError(`${source.name}: ${entry.numel} values are not whole rows of ${rowLength}`);
  if (!source.transposed) {
    await streamTensor(entry, hooks, consume, stepOf(rowLength));
    return entry.numel;
  }
  const rows = entry.numel / rowLength;
  const planned = new Float32Array(entry.numel);
  // stored [rowLength, rows]: stored element (k, n) is planned row n, value k
  await streamTensor(entry, hooks, (x, start) => {
    for (let i = 0; i < x.length; i++) {
      const flat = start + i;
      const k = Math.floor(flat / rows);
      planned[(flat - k * rows) * rowLength + k] = x[i]!;
    }
  });
  const step = stepOf(rowLength);
  for (let start = 0; start < planned.length; start += step) consume(planned.subarray(start, Math.min(start + step, planned.length)), start);
  return entry.numel;
}

/** The finite range of all sources (a pass of its own, made only for candidates with one scale per tensor). */
async function tensorRangeOf(model: Model, request: TensorErrorRequest, signal: AbortSignal | undefined): Promise<TensorRange> {
  const range = new Float64Array([Infinity, -Infinity]);
  for (const source of request.sources) {
    await forEachChunk(model, source, request.tensor, signal ? { signal } : {}, (x) => minMaxRun(x, 0, x.length, range, 0));
  }
  return { min: range[0]!, max: range[1]! };
}

/** sum_j w_j (x_j - q_j)^2 over one row (q null: sum_j w_j x_j^2); non-finite values carry no comparable error. */
function weightedSquares(x: Float32Array, q: Float32Array | null, from: number, length: number, w: Float32Array | null): number {
  let sum = 0;
  for (let j = 0; j < length; j++) {
    const v = x[from + j]!;
    if (v - v !== 0) continue;
    const d = q === null ? v : v - q[from + j]!;
    sum += (w === null ? 1 : w[j]!) * d * d;
  }
  return sum;
}

export async function tensorRelErrors(model: Model, request: TensorErrorRequest, hooks: StreamHooks): Promise<TensorRelErrors> {
  const rowLength = request.tensor.ne[0] ?? 1;
  const rowsPerMatrix = request.tensor.ne[1] ?? 1;
  const priced = pricedCandidates(request);
  if (priced.length === 0) return {};
  const range = priced.some(needsTensorRange) ? await tensorRangeOf(model, request, hooks.signal) : null;
  const acc: Accumulator[] = priced.map((c) => ({ key: errorKeyOf(c), roundTrip: roundTripOf(c, rowLength, range, request.tensor.type), noise: 0 }));
  const { weights } = request;
  let deq = new Float32Array(stepOf(rowLength));
  let signal = 0;
  let done = 0;
  for (const source of request.sources) {
    const before = done;
    done += await forEachChunk(model, source, request.tensor, { signal: hooks.signal, onProgress: (n) => hooks.onProgress?.(before + n) }, (x, start) => {
      if (deq.length < x.length) deq = new Float32Array(x.length);
      const rows = x.length / rowLength;
      const firstRow = start / rowLength;
      const rowWeights = (row: number): Float32Array | null => {
        if (weights === null) return null;
        const matrix = source.matrixOffset + Math.floor((firstRow + row) / rowsPerMatrix);
        return weights.subarray(matrix * rowLength, (matrix + 1) * rowLength);
      };
      for (let row = 0; row < rows; row++) signal += weightedSquares(x, null, row * rowLength, rowLength, rowWeights(row));
      for (const a of acc) {
        a.roundTrip(x, deq, 0, x.length);
        for (let row = 0; row < rows; row++) a.noise += weightedSquares(x, deq, row * rowLength, rowLength, rowWeights(row));
      }
    });
  }
  const out: TensorRelErrors = {};
  for (const a of acc) out[a.key] = signal > 0 ? Math.sqrt(a.noise / signal) : 0;
  return out;
}
