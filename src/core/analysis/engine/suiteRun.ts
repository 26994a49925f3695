/**
 * Per-tensor int schemes fused over one read of each tile (kernels.wasm affineSuiteFinite): the
 * table's figures only, for all-finite data whose deq cannot overflow and a scale that is not 0.
 */
import { ERR } from '../../metrics/errorStatsKernel';
import {
  regionBytes, SUITE_ACC_CLIPPED, SUITE_ACC_SLOTS, SUITE_ACC_SUM_X_ERR, SUITE_RECORD_SLOTS, SUITE_SCRATCH_SLOTS, type F64Region, type KernelLease,
} from './wasmKernels';
import type { QParams } from '../../quant/affine/qparams';

export class SuiteRun {
  private readonly records: number;
  private readonly accs: F64Region;
  private readonly scratch: F64Region;

  /** Kernel memory for up to `schemes` schemes. */
  static bytes(schemes: number): number {
    return regionBytes(schemes * SUITE_RECORD_SLOTS, 4) + regionBytes(schemes * SUITE_ACC_SLOTS, 8) + regionBytes(SUITE_SCRATCH_SLOTS, 8);
  }

  constructor(private readonly lease: KernelLease, private readonly params: readonly QParams[]) {
    const records = lease.f32(params.length * SUITE_RECORD_SLOTS);
    const flags = new Int32Array(records.view.buffer, records.view.byteOffset, records.view.length);
    params.forEach((p, i) => {
      const at = i * SUITE_RECORD_SLOTS;
      records.view.set([p.scale, p.zeroPoint, p.qmin, p.qmax], at);
      flags[at + 4] = p.multiplyByInverse ? 1 : 0;
    });
    this.records = records.ptr;
    this.accs = lease.f64(params.length * SUITE_ACC_SLOTS);
    this.scratch = lease.f64(SUITE_SCRATCH_SLOTS);
  }

  /** Every scheme over x[0..n) at `ptr` in kernel memory. */
  run(ptr: number, n: number): void {
    if (this.params.length > 0) this.lease.k.affineSuiteFinite(ptr, n, this.records, this.params.length, this.accs.ptr, this.scratch.ptr);
  }

  /**
   * Scheme i's ERR sums into `acc`, given the sum of x^2 of the data: deq = x - e, so
   * sum x deq = sum x^2 - sum x e and sum deq^2 = sum x^2 - 2 sum x e + sum e^2. Returns its clipped count.
   */
  collect(i: number, acc: Float64Array, sumSqX: number): number {
    const at = i * SUITE_ACC_SLOTS;
    const sums = this.accs.view;
    acc.set(sums.subarray(at, at + ERR.LENGTH));
    const xErr = sums[at + SUITE_ACC_SUM_X_ERR]!;
    acc[ERR.SUM_SQ_X] = sumSqX;
    acc[ERR.SUM_X_DEQ] = sumSqX - xErr;
    // Rounding could take an all-but-zero sum of squares a hair below 0.
    acc[ERR.SUM_SQ_DEQ] = Math.max(0, sumSqX - 2 * xErr + acc[ERR.SUM_SQ_ERR]!);
    return sums[at + SUITE_ACC_CLIPPED]!;
  }
}
