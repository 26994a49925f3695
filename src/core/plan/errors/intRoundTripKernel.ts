/**
 * The int round trips whose every op is rounded to the model's float (compressed-tensors,
 * torchao-int8) in WebAssembly SIMD: planIntRoundTrip in src/wasm/kernels.ts writes the same bits as
 * the convention's TypeScript roundTrip (intConventions.ts), which stays the reference and serves
 * where the chunk is not in kernel memory (a thread without the kernels, a test's own arrays).
 */
import type { KernelLease } from '../../analysis/engine/wasmKernels';
import type { IntConventionName, ModelFloat } from '../intConventions';
import type { RoundTrip, TensorRange } from './roundTrip';

/** The conventions the kernel runs, by its code (src/wasm/kernels.ts PLAN_INT_*). */
const PLAN_INT_KERNEL_CONVENTIONS: Partial<Readonly<Record<IntConventionName, number>>> = { 'compressed-tensors': 0, 'torchao-int8': 1 };
/** The model floats, by the kernel's code (src/wasm/kernels.ts PLAN_MODEL_*). */
const PLAN_INT_KERNEL_MODELS: Readonly<Record<ModelFloat, number>> = { F32: 0, BF16: 1, F16: 2 };
/** The kernel's scratch: a run's scale, shift, qmin and qmax (f32). */
export const PLAN_INT_SCRATCH_BYTES = 16;

/** Kernel memory a chunk and its round trips live in, with the kernel's scratch. */
export interface PlanKernelMemory {
  readonly lease: KernelLease;
  readonly scratch: number;
}

/** What the kernel needs of an int candidate: its tool, width, zero point and runs (`run` 0: one run over the chunk, with the tensor's `range`). */
export interface IntRoundTripSpec {
  readonly convention: IntConventionName;
  readonly bits: number;
  readonly asymmetric: boolean;
  readonly run: number;
  readonly range: TensorRange | null;
  readonly model: ModelFloat;
}

/** `reference` in WebAssembly when x and deq are views of the kernel's memory, else `reference` itself. */
export function intKernelRoundTrip(memory: PlanKernelMemory, spec: IntRoundTripSpec, reference: RoundTrip): RoundTrip {
  const convention = PLAN_INT_KERNEL_CONVENTIONS[spec.convention];
  if (convention === undefined) return reference;
  const model = PLAN_INT_KERNEL_MODELS[spec.model];
  const asymmetric = spec.asymmetric ? 1 : 0;
  const min = spec.range?.min ?? 0;
  const max = spec.range?.max ?? 0;
  const { lease, scratch } = memory;
  return (x, deq, from, to) => {
    const buffer = lease.k.memory.buffer;
    if (x.buffer !== buffer || deq.buffer !== buffer) {
      reference(x, deq, from, to);
      return;
    }
    lease.k.planIntRoundTrip(x.byteOffset + from * 4, deq.byteOffset + from * 4, to - from, spec.run, convention, model, spec.bits, asymmetric, min, max, scratch);
  };
}
