import type { KernelModule } from '../core/analysis/engine/wasmKernels';

/** What a pool hands each of its worker threads at start (worker_threads' workerData). */
export interface WorkerStart {
  /** kernels.wasm as the pool compiled it once (null: the TypeScript kernels); the thread compiles nothing. */
  readonly kernels: KernelModule | null;
}
