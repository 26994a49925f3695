import type { FormatResult, FormatScheme } from '../../../shared/analysisTypes';
import {
  accumulatedHistograms, accumulatedMetrics, ErrorAccumulator, type DisplayRange, type ErrorAccumulatorSums,
} from '../../metrics/errorAccumulator';
import { bnb4RoundTripBlock } from '../../quant/formats/bnb4';
import { ggmlRoundTrip } from '../../quant/formats/ggmlRoundTrip';
import { minifloatRoundTripRun } from '../../quant/formats/minifloat';
import { mxfp4RoundTripBlock } from '../../quant/formats/mxfp4';
import { nvfp4RoundTripBlock, nvfp4TensorScale } from '../../quant/formats/nvfp4';
import { GGML_TYPES } from '../../quant/ggml';
import { FORMATS, type FormatTraits } from '../../quant/formats/formatTraits';
import { forEachGroup, GroupAssembler } from '../groupAssembler';
import type { PrepareContext, RunnerPlan, SchemePass, SchemeRunner, UnrangedContext } from './schemeRunner';

/** Named formats: which apply to a tensor of this shape, and how each runs. */
export function planFormat(s: FormatScheme, shape: readonly number[], numel: number): RunnerPlan {
  const traits = FORMATS[s.format];
  if (!traits) return { reason: `unknown format ${String(s.format)}` };
  const rowLength = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  if (traits.family.kind === 'ggml') {
    const t = GGML_TYPES.get(traits.family.type);
    if (!t?.quantize) return { reason: `no ggml quantizer for ${traits.family.type}` };
    if (rowLength % t.blockSize !== 0) {
      return { reason: `${s.format} quantizes rows in blocks of ${t.blockSize}; rows of ${rowLength} are not a whole number of blocks (ggml refuses them)` };
    }
  }
  if (traits.family.kind === 'nvfp4' && rowLength % traits.blockSize !== 0) {
    return { reason: `nvfp4 quantizes rows in blocks of ${traits.blockSize}; rows of ${rowLength} are not a whole number of blocks (ModelOpt refuses them)` };
  }
  return { runner: new FormatRunner(traits, blockRowLength(traits, shape, numel)) };
}

/** The rows a format's blocks run along: the last axis, or the flattened tensor (bitsandbytes). */
function blockRowLength(traits: FormatTraits, shape: readonly number[], numel: number): number {
  return traits.blockAxis === 'flat' ? numel : shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/**
 * Pass 2 of a named format over any run of whole blocks of a tensor (a part of it, given the whole
 * tensor's pass-1 stats): its sums are merged with the other parts' and finished by formatResult.
 */
export function formatPass(s: FormatScheme, shape: readonly number[], numel: number, ctx: PrepareContext): FormatPass {
  const traits = FORMATS[s.format];
  return new FormatPass(traits, blockRowLength(traits, shape, numel), ctx, nvfp4TensorScale(ctx.stats.absMax));
}

/** A format's result from its error sums (one pass's, or the merged sums of a tensor's parts). */
export function formatResult(traits: FormatTraits, sums: ErrorAccumulatorSums, display: DisplayRange): FormatResult {
  const histograms = accumulatedHistograms(sums, display);
  return {
    kind: 'format', format: traits.format, bitsPerWeight: traits.bitsPerWeight,
    ...accumulatedMetrics(sums, display),
    ...(histograms ? { histograms } : {}),
  };
}

class FormatRunner implements SchemeRunner {
  readonly needsCalibration = false;
  readonly prepareUnranged?: (ctx: UnrangedContext) => SchemePass;

  constructor(private readonly traits: FormatTraits, private readonly rowLength: number) {
    // NVFP4's per-tensor scale comes from pass 1's largest magnitude.
    if (traits.family.kind !== 'nvfp4') {
      this.prepareUnranged = (ctx) => new FormatPass(traits, rowLength, { ...ctx, display: noDisplayRange(ctx.errorPercentiles) }, 0);
    }
  }

  prepare(ctx: PrepareContext): SchemePass {
    return new FormatPass(this.traits, this.rowLength, ctx, nvfp4TensorScale(ctx.stats.absMax));
  }
}

/** Overlays of a run with no histograms: the range is never used. */
function noDisplayRange(errorPercentiles: boolean): DisplayRange {
  return { min: 0, max: 0, bins: 0, errorPercentiles };
}

export class FormatPass implements SchemePass {
  private readonly errors: ErrorAccumulator;
  private readonly display: DisplayRange;
  private readonly deq: Float32Array;
  /** Blocks of the format (null for element-wise casts). */
  private readonly assembler: GroupAssembler | null;

  /** `tensorScale`: NVFP4's per-tensor scale (unused by the other formats). */
  constructor(
    private readonly traits: FormatTraits, rowLength: number,
    ctx: Pick<PrepareContext, 'display' | 'chunkLength' | 'kernels'>, private readonly tensorScale: number,
  ) {
    this.display = ctx.display;
    this.errors = new ErrorAccumulator(ctx.display, ctx.kernels);
    const deqLength = Math.max(ctx.chunkLength, traits.blockSize);
    this.deq = ctx.kernels?.buffer(deqLength) ?? new Float32Array(deqLength);
    this.assembler = traits.blockAxis === 'element' ? null : new GroupAssembler(Math.max(1, rowLength), traits.blockSize);
  }

  consume(x: Float32Array, n: number, start: number): void {
    if (!this.assembler) {
      const family = this.traits.family;
      if (family.kind === 'cast') minifloatRoundTripRun(x, this.deq, 0, n, family.spec);
      this.errors.add(x, this.deq, 0, n);
      return;
    }
    const assembler = this.assembler;
    assembler.feed(x, n, start, (values, from, to, firstIndex) => {
      this.roundTripSpan(values, from, to, firstIndex, assembler);
      this.errors.add(values, this.deq, from, to);
    });
  }

  private roundTripSpan(values: Float32Array, from: number, to: number, firstIndex: number, assembler: GroupAssembler): void {
    const family = this.traits.family;
    switch (family.kind) {
      case 'bnb4':
        forEachGroup(assembler, from, to, firstIndex, (a, b) => bnb4RoundTripBlock(values, this.deq, a, b, family.table));
        return;
      case 'mxfp4':
        forEachGroup(assembler, from, to, firstIndex, (a, b) => mxfp4RoundTripBlock(values, this.deq, a, b));
        return;
      case 'nvfp4':
        forEachGroup(assembler, from, to, firstIndex, (a, b) => nvfp4RoundTripBlock(values, this.deq, a, b, this.tensorScale));
        return;
      case 'ggml':
        ggmlRoundTrip(family.type, values, this.deq, from, to);
        return;
      case 'cast':
        minifloatRoundTripRun(values, this.deq, from, to, family.spec);
        return;
    }
  }

  /** The error sums so far (a part's, to merge). */
  sums(): ErrorAccumulatorSums {
    return this.errors.sums();
  }

  finish(): FormatResult {
    return formatResult(this.traits, this.errors.sums(), this.display);
  }
}
