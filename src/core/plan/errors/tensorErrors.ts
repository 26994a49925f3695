/**
 * One tensor's relative error under each candidate, in one streamed pass over its values:
 * `t^2 = sum_ij w_j (W_ij - Q(W)_ij)^2 / sum_ij w_j W_ij^2`, with w the imatrix column weights of
 * the row's matrix (expert) when given, else 1. That is the error llama-quantize's quantizers
 * weight by `quant_weights` (per column, the imatrix's mean squared activation): the expected
 * squared output error of the layer over the imatrix's inputs, relative to the output itself.
 * Q is the reference quantizer of each type; memory stays one chunk of rows.
 */
import { streamTensor, throwIfAborted, type StreamHooks } from '../../analysis/chunkStream';
import { loadWasmKernels, type WasmKernels } from '../../analysis/engine/wasmKernels';
import { findTensor } from '../../analysis/findTensor';
import { toFloat32 } from '../../dtypes/contiguous';
import { UsageError } from '../../errors';
import { minMaxRun } from '../../metrics/statsKernel';
import type { Model, TensorEntry } from '../../tensor';
import { candidateBytes, errorKeyOf, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { isExactCopy } from './errorTable';
import { needsTensorRange, roundTripOf, type RoundTrip, type TensorRange } from './roundTrip';
import { chunkSquares } from './squaredErrors';

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
  /**
   * Only these planned rows of the source (a part of the tensor, errorSweep's split); absent: all.
   * Never with `transposed` (read whole), nor with candidates that need the tensor's range (it would be the part's).
   */
  readonly rows?: { readonly first: number; readonly count: number };
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

/**
 * The sums behind the relative errors, so the parts of a tensor add up: sum w x^2 and, by candidate
 * error key, sum w (x - Q(x))^2.
 */
export interface TensorErrorSums {
  readonly signal: number;
  readonly noise: Readonly<Record<string, number>>;
}

/** The relative errors of a tensor's sums (a tensor without signal has none to lose: 0). */
export function relErrorsOf(sums: TensorErrorSums): TensorRelErrors {
  const out: TensorRelErrors = {};
  for (const [key, noise] of Object.entries(sums.noise)) out[key] = sums.signal > 0 ? Math.sqrt(noise / sums.signal) : 0;
  return out;
}

/** Adds parts' sums in the order given (the same order every run: the same last bits). */
export function addErrorSums(parts: readonly TensorErrorSums[]): TensorErrorSums {
  let signal = 0;
  const noise: Record<string, number> = {};
  for (const part of parts) {
    signal += part.signal;
    for (const [key, value] of Object.entries(part.noise)) noise[key] = (noise[key] ?? 0) + value;
  }
  return { signal, noise };
}

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

/**
 * Values per chunk: 4 MB of float32 for the values and as much for a round trip's output, so the
 * per-read costs (a positional read, a file identity check, an event-loop turn) vanish.
 */
const PLAN_CHUNK_ELEMENTS = 1 << 20;

/** Elements read per chunk: whole planned rows. */
const stepOf = (rowLength: number): number => Math.max(1, Math.floor(PLAN_CHUNK_ELEMENTS / rowLength)) * rowLength;

/**
 * As streamTensor, reading one chunk ahead: the next read runs on libuv's threads while this
 * chunk is consumed. A read left behind by a failure or cancel settles unobserved.
 */
async function streamAhead(
  entry: TensorEntry, hooks: StreamHooks, consume: (x: Float32Array, start: number) => void, step: number, from: number, to: number,
): Promise<void> {
  const readAt = (start: number): Promise<Float32Array> => {
    const read = entry.data.read(start, Math.min(step, to - start)).then(toFloat32);
    read.catch(() => undefined);
    return read;
  };
  let next = from < to ? readAt(from) : null;
  for (let start = from; next !== null; start += step) {
    throwIfAborted(hooks.signal);
    const x = await next;
    next = start + step < to ? readAt(start + step) : null;
    throwIfAborted(hooks.signal);
    consume(x, start);
    hooks.onProgress?.(start + x.length - from);
    await new Promise((resolve) => setImmediate(resolve));
  }
  throwIfAborted(hooks.signal);
}

/**
 * Hands every chunk of whole planned rows of `source` (its `rows` only, when given) to `consume`,
 * with its first element's index in the source; a transposed source is read whole and handed over
 * as planned rows. Returns the values read.
 */
async function forEachChunk(
  model: Model, source: ErrorSource, tensor: PlanTensor, hooks: StreamHooks, consume: (x: Float32Array, start: number) => void,
): Promise<number> {
  const rowLength = tensor.ne[0] ?? 1;
  const entry = findTensor(model.tensors, source.name, model.file);
  if (entry.numel % rowLength !== 0) throw new UsageError(`${source.name}: ${entry.numel} values are not whole rows of ${rowLength}`);
  if (!source.transposed) {
    const { first, count } = source.rows ?? { first: 0, count: entry.numel / rowLength };
    if (first < 0 || count < 0 || first + count > entry.numel / rowLength) throw new RangeError(`${source.name}: rows ${first}+${count} outside its ${entry.numel / rowLength}`);
    await streamAhead(entry, hooks, consume, stepOf(rowLength), first * rowLength, (first + count) * rowLength);
    return count * rowLength;
  }
  if (source.rows) throw new RangeError(`${source.name}: a transposed source is read whole`);
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

/** relErrorsOf(tensorErrorSums(...)): a whole tensor's relative errors. */
export async function tensorRelErrors(
  model: Model, request: TensorErrorRequest, hooks: StreamHooks, kernels: WasmKernels | null = loadWasmKernels(),
): Promise<TensorRelErrors> {
  return relErrorsOf(await tensorErrorSums(model, request, hooks, kernels));
}

/**
 * The error sums of the request's sources (or of their `rows`), in one streamed pass.
 * `kernels`: this thread's WebAssembly kernels by default; null: round trips and sums in TypeScript (the same bits).
 */
export async function tensorErrorSums(
  model: Model, request: TensorErrorRequest, hooks: StreamHooks, kernels: WasmKernels | null = loadWasmKernels(),
): Promise<TensorErrorSums> {
  const rowLength = request.tensor.ne[0] ?? 1;
  const rowsPerMatrix = request.tensor.ne[1] ?? 1;
  const priced = pricedCandidates(request);
  if (priced.length === 0) return { signal: 0, noise: {} };
  const range = priced.some(needsTensorRange) ? await tensorRangeOf(model, request, hooks.signal) : null;
  const { weights } = request;
  const squares = chunkSquares(kernels, stepOf(rowLength), rowLength, weights);
  let signal = 0;
  let done = 0;
  try {
    const acc: Accumulator[] = priced.map((c) => ({ key: errorKeyOf(c), roundTrip: roundTripOf(c, rowLength, range, request.tensor.type, squares.kernel), noise: 0 }));
    for (const source of request.sources) {
      const before = done;
      done += await forEachChunk(model, source, request.tensor, { signal: hooks.signal, onProgress: (n) => hooks.onProgress?.(before + n) }, (chunk, start) => {
        const x = squares.take(chunk);
        const rows = x.length / rowLength;
        const firstRow = start / rowLength;
        // runs of rows of one matrix (expert): one weight vector each
        const sum = (withDeq: boolean): number => {
          let total = 0;
          for (let row = 0; row < rows;) {
            const matrix = Math.floor((firstRow + row) / rowsPerMatrix);
            const run = Math.min(rows - row, (matrix + 1) * rowsPerMatrix - firstRow - row);
            total += squares.sum(withDeq, row, run, weights === null ? null : source.matrixOffset + matrix);
            row += run;
          }
          return total;
        };
        signal += sum(false);
        for (const a of acc) {
          a.roundTrip(x, squares.deq, 0, x.length);
          a.noise += sum(true);
        }
      });
    }
    return { signal, noise: Object.fromEntries(acc.map((a) => [a.key, a.noise])) };
  } finally {
    squares.release();
  }
}
