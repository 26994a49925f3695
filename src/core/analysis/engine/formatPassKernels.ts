import { ERR } from '../../metrics/errorStatsKernel';
import { STATS } from '../../metrics/statsKernel';
import type { PassKernels, OpenPassKernels } from '../../metrics/passKernels';
import { regionBytes, type F32Region, type F64Region, type KernelLease, type WasmKernels } from './wasmKernels';

/**
 * PassKernels in WebAssembly (kernels.ts statsChunk and errorSums) for one analysis, on one kernel
 * lease. Float32 buffers handed out by `buffer` live in the kernels' memory: values read from them
 * are read in place, others are copied in first (a group carried over a chunk boundary, data from elsewhere).
 */
export class WasmPassKernels implements PassKernels {
  private readonly xCopy: F32Region;
  private readonly deqCopy: F32Region;
  private readonly acc: F64Region;
  private readonly statsAcc: F64Region;
  private buffersLeft: number;

  /** Reserves the lease's memory for `buffers` buffers of at most `spanLength` values and the copies (views taken before are dead). */
  constructor(private readonly lease: KernelLease, private readonly spanLength: number, buffers: number) {
    lease.reserve(regionBytes(spanLength, 4) * (buffers + 2) + regionBytes(ERR.LENGTH, 8) + regionBytes(STATS.LENGTH, 8));
    this.xCopy = lease.f32(spanLength);
    this.deqCopy = lease.f32(spanLength);
    this.acc = lease.f64(ERR.LENGTH);
    this.statsAcc = lease.f64(STATS.LENGTH);
    this.buffersLeft = buffers;
  }

  /** A buffer of `length` <= spanLength values in kernel memory (at most `buffers` of them). */
  buffer(length: number): Float32Array {
    if (length > this.spanLength || this.buffersLeft === 0) throw new RangeError(`no kernel buffer of ${length} values left`);
    this.buffersLeft--;
    return this.lease.f32(length).view;
  }

  release(): void {
    this.lease.release();
  }

  stats(x: Float32Array, n: number, acc: Float64Array): void {
    this.statsAcc.view.set(acc);
    for (let at = 0; at < n; at += this.spanLength) {
      const end = Math.min(n, at + this.spanLength);
      this.lease.k.statsChunk(this.pointer(x, at, end, this.xCopy), end - at, this.statsAcc.ptr);
    }
    acc.set(this.statsAcc.view);
  }

  errorSums(x: Float32Array, deq: Float32Array, from: number, to: number, acc: Float64Array): void {
    this.acc.view.set(acc);
    for (let at = from; at < to; at += this.spanLength) {
      const end = Math.min(to, at + this.spanLength);
      this.lease.k.errorSums(this.pointer(x, at, end, this.xCopy), this.pointer(deq, at, end, this.deqCopy), end - at, this.acc.ptr);
    }
    acc.set(this.acc.view);
  }

  /** Address of a[from..to) in kernel memory: where it is, or its copy in `copy`. */
  private pointer(a: Float32Array, from: number, to: number, copy: F32Region): number {
    if (a.buffer === this.lease.k.memory.buffer) return a.byteOffset + from * 4;
    copy.view.set(a.subarray(from, to));
    return copy.ptr;
  }
}

/** PassKernels on a lease of these kernels, returned when released. */
export function openWasmPassKernels(kernels: WasmKernels): OpenPassKernels {
  return (spanLength, buffers) => {
    const lease = kernels.lease();
    try {
      return new WasmPassKernels(lease, spanLength, buffers);
    } catch (e) {
      lease.release();
      throw e;
    }
  };
}
