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
import type { Model } from '../../tensor';
import { candidateBytes, candidateName, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { isExactCopy } from './errorTable';
import { roundTripOf, type RoundTrip } from './roundTrip';

/** One input tensor of a planned tensor (several for a Hugging Face model's experts, merged by the converter). */
export interface ErrorSource {
  readonly name: string;
  /** Index of this source's first matrix (expert) in the planned tensor: which imatrix slice weights it. */
  readonly matrixOffset: number;
}

export interface TensorErrorRequest {
  readonly sources: readonly ErrorSource[];
  /** The planned tensor (ne[0] values per row, ne[1] rows per matrix). */
  readonly tensor: PlanTensor;
  readonly candidates: readonly Candidate[];
  /** Column weights, ne[0] per matrix, matrices one after another; null: unweighted. */
  readonly weights: Float32Array | null;
}

/** Relative error by candidate name; exact copies and candidates that cannot store the tensor are left out. */
export type TensorRelErrors = Record<string, number>;

interface Accumulator {
  readonly key: string;
  readonly roundTrip: RoundTrip;
  noise: number;
}

function accumulators(request: TensorErrorRequest, rowLength: number): Accumulator[] {
  const out: Accumulator[] = [];
  const seen = new Set<string>();
  for (const c of request.candidates) {
    const key = candidateName(c);
    if (seen.has(key) || isExactCopy(c, request.tensor) || candidateBytes(c, request.tensor) === null) continue;
    seen.add(key);
    out.push({ key, roundTrip: roundTripOf(c, rowLength), noise: 0 });
  }
  return out;
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
  const acc = accumulators(request, rowLength);
  if (acc.length === 0) return {};
  const { weights } = request;
  const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength)) * rowLength;
  let deq = new Float32Array(step);
  let signal = 0;
  let done = 0;
  for (const source of request.sources) {
    const entry = findTensor(model.tensors, source.name, model.file);
    if (entry.numel % rowLength !== 0) throw new UsageError(`${source.name}: ${entry.numel} values are not whole rows of ${rowLength}`);
    const before = done;
    await streamTensor(entry, { signal: hooks.signal, onProgress: (n) => hooks.onProgress?.(before + n) }, (x, start) => {
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
    }, step);
    done += entry.numel;
  }
  const out: TensorRelErrors = {};
  for (const a of acc) out[a.key] = signal > 0 ? Math.sqrt(a.noise / signal) : 0;
  return out;
}
