import { assertNever } from '../../../shared/assertNever';
import { UsageError } from '../../errors';
import { GGML_TYPES } from '../../quant/ggml';
import { ggmlRoundTrip } from '../../quant/formats/ggmlRoundTrip';
import { minMaxRun } from '../../metrics/statsKernel';
import { BF16, FP16, FP8_E4M3, minifloatRoundTripRun } from '../../quant/formats/minifloat';
import { mxfp4RoundTripBlock } from '../../quant/formats/mxfp4';
import { nvfp4RoundTripBlock, nvfp4TensorScale } from '../../quant/formats/nvfp4';
import { candidateName, MXFP4_BLOCK, NVFP4_BLOCK, type Candidate } from '../costModel';
import { INT_CONVENTIONS, modelFloatOf, type ModelFloat } from '../intConventions';
import { intKernelRoundTrip, type PlanKernelMemory } from './intRoundTripKernel';

/** The finite range of a whole tensor: what candidates with one scale per tensor need before their pass. */
export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

/** True when the candidate's scale spans the whole tensor, so its round trip needs the tensor's range first (a pass of its own). */
export function needsTensorRange(candidate: Candidate): boolean {
  return candidate.kind === 'nvfp4' || (candidate.kind === 'fp8' && candidate.scale === 'tensor') || (candidate.kind === 'int' && candidate.group === 'tensor');
}

/** Largest FP8 E4M3 magnitude: ModelOpt and llm-compressor scale FP8 weights by amax / 448. // modelopt tensor_quant.py scaled_e4m3 */
const E4M3_MAX = 448;

/** Writes Q(x) for x[from..to) (whole rows) into deq[from..to): the stored-then-loaded values. */
export type RoundTrip = (x: Float32Array, deq: Float32Array, from: number, to: number) => void;

/** Runs `block` over x[from..to) in runs of `size` values (rows are whole runs). */
function inRuns(size: number, block: (x: Float32Array, deq: Float32Array, from: number, to: number) => void): RoundTrip {
  return (x, deq, from, to) => {
    for (let i = from; i < to; i += size) block(x, deq, i, Math.min(i + size, to));
  };
}

type IntCandidate = Extract<Candidate, { kind: 'int' }>;

/** True when the candidate stores zero points that shift its range (asymmetric), not only the symmetric one. */
const isAsymmetric = (candidate: IntCandidate): boolean => candidate.zero === 'packed' || candidate.zero === 'scale';

/** Integer runs of `size` values along the row, each with the range of its own finite values, as the candidate's tool computes them. */
function intGroups(candidate: IntCandidate, size: number, model: ModelFloat): RoundTrip {
  const convention = INT_CONVENTIONS[candidate.convention];
  const asymmetric = isAsymmetric(candidate);
  const range = new Float64Array(2);
  return inRuns(size, (x, deq, from, to) => {
    range[0] = Infinity;
    range[1] = -Infinity;
    minMaxRun(x, from, to, range, 0);
    convention.roundTrip({ x, deq, from, to, min: range[0]!, max: range[1]! }, candidate.bits, asymmetric, model);
  });
}

/** FP8 E4M3 with one float32 scale amax / 448 for x[from..to): x / scale cast to E4M3, times the scale. */
function fp8Run(x: Float32Array, deq: Float32Array, from: number, to: number, absMax: number): void {
  const scale = Math.fround(absMax / E4M3_MAX);
  if (!(scale > 0) || !Number.isFinite(scale)) {
    deq.set(x.subarray(from, to), from);
    return;
  }
  for (let i = from; i < to; i++) deq[i] = Math.fround(x[i]! / scale);
  minifloatRoundTripRun(deq, deq, from, to, FP8_E4M3);
  for (let i = from; i < to; i++) deq[i] = Math.fround(deq[i]! * scale);
}

function absMaxOf(x: Float32Array, from: number, to: number): number {
  let amax = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(x[i]!);
    if (a > amax && a !== Infinity) amax = a;
  }
  return amax;
}

const absMaxOfRange = (range: TensorRange): number => Math.max(-range.min, range.max, 0);

/** Why no error can be computed for `candidate` (no quantizer for it here), else null. */
export function unpricedWhy(candidate: Candidate): string | null {
  if (candidate.kind === 'bnb4') return 'its blocks run over the flattened tensor';
  if (candidate.kind === 'ggml' && GGML_TYPES.get(candidate.type)?.quantize === undefined) return `no reference quantizer for ${candidate.type} here`;
  return null;
}

/**
 * The existing quantizers, one per candidate kind, over chunks of whole rows of `rowLength`
 * values: ggml's reference quantizers, minifloat casts, MXFP4 and NVFP4 blocks (NVFP4 as
 * analyze's nvfp4 format, ModelOpt's reference), integer groups as the candidate's tool computes
 * them (its convention, in the float type of the tensor's `sourceType`), scaled FP8. `range` is the
 * whole tensor's finite range, required exactly when needsTensorRange(candidate). bitsandbytes
 * blocks (over the flattened tensor) are refused with a UsageError. With `kernel`, the int
 * conventions that have a WebAssembly twin run it on chunks in its memory (same bits).
 */
export function roundTripOf(candidate: Candidate, rowLength: number, range: TensorRange | null, sourceType: string, kernel: PlanKernelMemory | null = null): RoundTrip {
  const unpriced = unpricedWhy(candidate);
  const refuse = (): never => {
    throw new UsageError(`predicted errors for ${candidateName(candidate)} are not computed yet (${unpriced}); choose other --candidates`);
  };
  if (unpriced !== null) refuse();
  switch (candidate.kind) {
    case 'keep':
      return (x, deq, from, to) => deq.set(x.subarray(from, to), from);
    case 'ggml': {
      const type = candidate.type;
      return (x, deq, from, to) => ggmlRoundTrip(type, x, deq, from, to);
    }
    case 'float': {
      const type = candidate.type;
      switch (type) {
        case 'F32':
          return (x, deq, from, to) => deq.set(x.subarray(from, to), from);
        case 'F16':
          return (x, deq, from, to) => minifloatRoundTripRun(x, deq, from, to, FP16);
        case 'BF16':
          return (x, deq, from, to) => minifloatRoundTripRun(x, deq, from, to, BF16);
        default:
          return assertNever(type, 'float type');
      }
    }
    case 'mxfp4':
      return inRuns(MXFP4_BLOCK, (x, deq, from, to) => void mxfp4RoundTripBlock(x, deq, from, to));
    case 'int': {
      const reference = intRoundTrip(candidate, rowLength, range, sourceType);
      if (kernel === null) return reference;
      const { convention, bits } = candidate;
      const run = candidate.group === 'tensor' ? 0 : candidate.group === 'channel' ? rowLength : candidate.group;
      const whole = candidate.group === 'tensor' ? tensorRange(candidate, range) : null;
      return intKernelRoundTrip(kernel, { convention, bits, asymmetric: isAsymmetric(candidate), run, range: whole, model: modelFloatOf(sourceType) }, reference);
    }
    case 'bnb4':
      return refuse();
    case 'nvfp4': {
      const tensorScale = nvfp4TensorScale(absMaxOfRange(tensorRange(candidate, range)));
      return inRuns(NVFP4_BLOCK, (x, deq, from, to) => void nvfp4RoundTripBlock(x, deq, from, to, tensorScale));
    }
    case 'fp8': {
      if (candidate.scale === 'channel') return inRuns(rowLength, (x, deq, from, to) => fp8Run(x, deq, from, to, absMaxOf(x, from, to)));
      const absMax = absMaxOfRange(tensorRange(candidate, range));
      return (x, deq, from, to) => fp8Run(x, deq, from, to, absMax);
    }
    default:
      return assertNever(candidate, 'candidate');
  }
}

/** The int candidate's round trip as its tool computes it, in TypeScript (the reference). */
function intRoundTrip(candidate: IntCandidate, rowLength: number, range: TensorRange | null, sourceType: string): RoundTrip {
  const model = modelFloatOf(sourceType);
  if (candidate.group !== 'tensor') return intGroups(candidate, candidate.group === 'channel' ? rowLength : candidate.group, model);
  const whole = tensorRange(candidate, range);
  const convention = INT_CONVENTIONS[candidate.convention];
  const asymmetric = isAsymmetric(candidate);
  return (x, deq, from, to) => convention.roundTrip({ x, deq, from, to, min: whole.min, max: whole.max }, candidate.bits, asymmetric, model);
}

function tensorRange(candidate: Candidate, range: TensorRange | null): TensorRange {
  if (range === null) throw new Error(`${candidateName(candidate)} needs the tensor's range before its round trip`);
  return range;
}
