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

  /** Scheme i's sums: ERR layout (its sums of x^2, deq^2 and x deq left 0), the sum of x (x - deq), the clipped count. */
  sums(i: number): { acc: Float64Array; xErr: number; clipped: number } {
    const at = i * SUITE_ACC_SLOTS;
    const sums = this.accs.view;
    return { acc: sums.slice(at, at + ERR.LENGTH), xErr: sums[at + SUITE_ACC_SUM_X_ERR]!, clipped: sums[at + SUITE_ACC_CLIPPED]! };
  }
}
