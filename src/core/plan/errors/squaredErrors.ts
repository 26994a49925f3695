/**
 * The sums behind a plan's relative errors, per chunk of whole rows: sum_j w_j (x_j - q_j)^2 and
 * sum_j w_j x_j^2, in f64. The WebAssembly kernel (planSquares in src/wasm/kernels.ts) works on
 * buffers in its own memory, so the chunk is copied there once and every candidate's round trip
 * writes its Q(x) there directly; without the kernel, the same sums in TypeScript in the kernel's order.
 */
import { regionBytes, type KernelLease, type WasmKernels } from '../../analysis/engine/wasmKernels';
import { PLAN_INT_SCRATCH_BYTES, type PlanKernelMemory } from './intRoundTripKernel';

/** One chunk of whole rows at a time, its round trips and its sums. */
export interface ChunkSquares {
  /** Takes the next chunk (whole rows, at most the capacity); returns its values where round trips read them. */
  take(chunk: Float32Array): Float32Array;
  /** Where a round trip writes the chunk's Q(x) (indices as in the chunk). */
  readonly deq: Float32Array;
  /** The kernel memory the chunk and deq are in, for round trips that have a WebAssembly twin; null: sums in TypeScript. */
  readonly kernel: PlanKernelMemory | null;
  /**
   * Over the chunk's rows [row, row + rows): sum of w (x - deq)^2, or of w x^2 when `withDeq` is
   * false; w the column weights of matrix `matrix` (null: unweighted).
   */
  sum(withDeq: boolean, row: number, rows: number, matrix: number | null): number;
  /** Hands the kernel's memory back (the views are dead from here on). */
  release(): void;
}

/**
 * Sums for chunks of up to `capacity` values in rows of `rowLength`, with `weights` (rowLength per
 * matrix, matrices one after another; null: unweighted): on `kernels` when given, else in TypeScript.
 */
export function chunkSquares(kernels: WasmKernels | null, capacity: number, rowLength: number, weights: Float32Array | null): ChunkSquares {
  return kernels ? kernelSquares(kernels.lease(), capacity, rowLength, weights) : referenceSquares(capacity, rowLength, weights);
}

function kernelSquares(lease: KernelLease, capacity: number, rowLength: number, weights: Float32Array | null): ChunkSquares {
  lease.reserve(2 * regionBytes(capacity, 4) + (weights ? regionBytes(weights.length, 4) : 0) + regionBytes(PLAN_INT_SCRATCH_BYTES, 1));
  const x = lease.f32(capacity);
  const deq = lease.f32(capacity);
  const scratch = lease.f32(PLAN_INT_SCRATCH_BYTES / 4);
  const w = weights ? lease.f32(weights.length) : null;
  w?.view.set(weights!);
  const rowBytes = rowLength * 4;
  return {
    take(chunk) {
      x.view.set(chunk);
      return x.view.subarray(0, chunk.length);
    },
    deq: deq.view,
    kernel: { lease, scratch: scratch.ptr },
    sum(withDeq, row, rows, matrix) {
      const offset = row * rowBytes;
      return lease.k.planSquares(x.ptr + offset, withDeq ? deq.ptr + offset : 0, w === null || matrix === null ? 0 : w.ptr + matrix * rowBytes, rows, rowLength);
    },
    release: () => lease.release(),
  };
}

/**
 * The kernel's sums in TypeScript, added in the kernel's order (4 lanes by column j mod 4 over each
 * row's first multiple of 4 columns, the rest in one tail sum, lanes joined as (0 + 2) + (1 + 3)), so
 * a thread without the kernel (an extension host, a test) gives the same bits as one with it.
 */
function laneOrderSum(x: Float32Array, q: Float32Array | null, w: Float32Array | null, row: number, rows: number, rowLength: number): number {
  const vecEnd = rowLength & ~3;
  const lanes = new Float64Array(4);
  let tail = 0;
  for (let r = row; r < row + rows; r++) {
    const start = r * rowLength;
    for (let j = 0; j < rowLength; j++) {
      const v = x[start + j]!;
      if (v - v !== 0) continue;
      const d = q === null ? v : v - q[start + j]!;
      const term = (w === null ? d : w[j]! * d) * d;
      if (j < vecEnd) lanes[j & 3]! += term;
      else tail += term;
    }
  }
  return (lanes[0]! + lanes[2]!) + (lanes[1]! + lanes[3]!) + tail;
}

function referenceSquares(capacity: number, rowLength: number, weights: Float32Array | null): ChunkSquares {
  let x: Float32Array = new Float32Array(0);
  const deq = new Float32Array(capacity);
  return {
    take(chunk) {
      x = chunk;
      return chunk;
    },
    deq,
    kernel: null,
    sum(withDeq, row, rows, matrix) {
      const w = weights === null || matrix === null ? null : weights.subarray(matrix * rowLength, (matrix + 1) * rowLength);
      return laneOrderSum(x, withDeq ? deq : null, w, row, rows, rowLength);
    },
    release: () => undefined,
  };
}
