/**
 * One large tensor analysed by several threads: its rows cut into parts of about PART_ELEMENTS,
 * each part's pass 1 (stats, channel ranges) run anywhere, the sums merged in part order, then
 * each part's pass 2 (round trips, errors: int schemes on the streaming kernels, named formats in
 * formatParts.ts) given the merged sums, merged in part order again.
 * The parts depend only on the tensor and PART_ELEMENTS, never on the thread count, so the
 * figures are the same however many threads run them (and equal, to float64 rounding of the
 * sums' order, to the one-piece analysis).
 */
import type { AnalysisOptions, FormatScheme, IntScheme, QuantResult, Scheme, TensorResult, TensorSummary } from '../../../shared/analysisTypes';
import { ERR } from '../../metrics/errorStatsKernel';
import { mergeStats } from '../../metrics/statsKernel';
import { planSchemes } from '../planSchemes';
import type { ElementRange, GroupTally, PartErrorSums, SchemeSums, StatsSums } from '../../../shared/tensorPartTypes';
import { FORMATS } from '../../quant/formats/formatTraits';
import { formatResult } from '../runners/formatRunners';
import { streamFormatErrors, type FormatPartRequest } from './formatParts';
import { VALUE_COUNT_DTYPES } from './valueCounts';
import { UsageError } from '../../errors';
import type { TensorEntry } from '../../tensor';
import { PassProgress, type PassHooks } from './passes';
import type { KernelLease, WasmKernels } from './wasmKernels';
import {
  finishWasmStream, needsCalibration, streamErrors, streamStats, wasmStreamSupports, type StreamRequest,
} from './wasmStream';

/**
 * Elements per part: 128 MB of float32, a few seconds of one thread at most, so a 1 GiB tensor
 * makes 8 parts that keep 2..8 threads evenly busy; smaller tensors stay whole.
 */
export const PART_ELEMENTS = 1 << 25;
/** The fast paths count in u32: larger tensors take the reference, in one piece. */
const MAX_SPLIT_ELEMENTS = 2 ** 32 - 1;

/** What each part computes: the int schemes on the streaming kernels, and the named formats. */
export interface PartsRequest extends StreamRequest, FormatPartRequest {
  /** Parts start and end on multiples of this (whole rows, and whole blocks of the flat formats), but the last. */
  readonly partUnit: number;
}

export interface SplitPlan {
  readonly parts: readonly ElementRange[];
  readonly request: PartsRequest;
}

/**
 * How a tensor splits, or null when it is analysed whole: it needs at least two parts' worth of
 * elements (rows of at least two dimensions) and a splitRequest. Parts are whole rows (and whole
 * flat blocks), so groups and blocks never straddle them.
 */
export function splitPlan(tensor: Pick<TensorSummary, 'dtype' | 'shape' | 'numel'>, options: AnalysisOptions, partElements = PART_ELEMENTS): SplitPlan | null {
  const { shape, numel } = tensor;
  if (shape.length < 2 || numel < 2 * partElements) return null;
  const request = splitRequest(tensor, options);
  if (!request) return null;
  const unit = request.partUnit;
  const step = Math.ceil(partElements / unit) * unit;
  const parts: ElementRange[] = [];
  for (let from = 0; from < numel; from += step) parts.push({ from, to: Math.min(numel, from + step) });
  return parts.length < 2 ? null : { parts, request };
}

/**
 * What each part computes, or null when the tensor cannot be split: every applicable int scheme must
 * run on the streaming kernels without calibration (int per tensor, per channel, or per group,
 * minmax ranges), and the 16-bit counting path must not be the one its int schemes would take
 * whole. Named formats split whatever they are (NVFP4's tensor scale comes from the merged pass 1).
 */
export function splitRequest(tensor: Pick<TensorSummary, 'dtype' | 'shape' | 'numel'>, options: AnalysisOptions): PartsRequest | null {
  const { shape, numel } = tensor;
  if (numel > MAX_SPLIT_ELEMENTS || shape.length === 0) return null;
  const applicable = planSchemes(options.schemes, shape, numel).runners.map((r) => r.scheme);
  const schemes = applicable.filter((s): s is IntScheme => s.kind === 'int');
  const formats = applicable.filter((s): s is FormatScheme => s.kind === 'format');
  if (applicable.length === 0 || schemes.some((s) => !wasmStreamSupports(s, shape)) || needsCalibration(schemes)) return null;
  if (schemes.length > 0 && VALUE_COUNT_DTYPES.has(tensor.dtype) && schemes.every(isTensorMinmax)) return null;
  const bins = options.tableOnly ? 0 : options.histogramBins;
  const rowLength = shape[shape.length - 1]!;
  const flatBlocks = formats.map((s) => FORMATS[s.format]).filter((t) => t.blockAxis === 'flat').map((t) => t.blockSize);
  const partUnit = flatBlocks.reduce(leastCommonMultiple, rowLength);
  return { schemes, formats, bins, errorPercentiles: !options.tableOnly, partUnit };
}

/** Pass 1 over one part of a tensor (a worker method); `onElements` counts the part's elements. */
export async function analyzePartStats(
  entry: TensorEntry, options: AnalysisOptions, range: ElementRange, kernels: WasmKernels | null, hooks: PassHooks,
): Promise<StatsSums> {
  const request = partRequest(entry, options, range, kernels);
  return withLease(kernels!, (lease) => streamStats(entry, request.schemes, range, lease, new PassProgress(range.to - range.from, 1, hooks)));
}

/**
 * Pass 2 over one part of a tensor, given the merged pass-1 sums of all its parts (a worker method):
 * the int schemes and the weights' histogram in one read, the named formats in another.
 */
export async function analyzePartErrors(
  entry: TensorEntry, options: AnalysisOptions, range: ElementRange, sums: StatsSums, kernels: WasmKernels | null, hooks: PassHooks,
): Promise<PartErrorSums> {
  const request = partRequest(entry, options, range, kernels);
  const intRead = request.schemes.length > 0 || request.bins > 0;
  const formatRead = request.formats.length > 0;
  const progress = new PassProgress(range.to - range.from, (intRead ? 1 : 0) + (formatRead ? 1 : 0), hooks);
  const ints = intRead
    ? await withLease(kernels!, (lease) => streamErrors(entry, request, range, sums, null, lease, progress))
    : { weights: new Float64Array(0), schemes: [] };
  const formats = formatRead ? await streamFormatErrors(entry, request, range, sums, kernels!, progress) : [];
  return { ...ints, formats };
}

function partRequest(entry: TensorEntry, options: AnalysisOptions, range: ElementRange, kernels: WasmKernels | null): PartsRequest {
  const request = splitRequest(entry, options);
  if (!request || !kernels) throw new UsageError(`${entry.name}: cannot be analysed in parts (schemes or kernels unavailable)`);
  const unit = request.partUnit;
  const inside = Number.isSafeInteger(range.from) && Number.isSafeInteger(range.to) && range.from >= 0 && range.from < range.to && range.to <= entry.numel;
  if (!inside || range.from % unit !== 0 || (range.to % unit !== 0 && range.to !== entry.numel)) {
    throw new UsageError(`${entry.name}: part [${range.from}, ${range.to}) is not a run of whole rows (and whole flat blocks) of the tensor`);
  }
  return request;
}

async function withLease<T>(kernels: WasmKernels, work: (lease: KernelLease) => Promise<T>): Promise<T> {
  const lease = kernels.lease();
  try {
    return await work(lease);
  } finally {
    lease.release();
  }
}

/** Pass-1 sums of the parts, merged in part order. */
export function mergeStatsSums(parts: readonly StatsSums[]): StatsSums {
  const stats = Float64Array.from(parts[0]!.stats);
  const ranges = new Map([...parts[0]!.ranges].map(([axis, r]) => [axis, Float64Array.from(r)]));
  for (const part of parts.slice(1)) {
    mergeStats(stats, part.stats);
    for (const [axis, r] of ranges) {
      const other = part.ranges.get(axis)!;
      for (let i = 0; i < r.length; i += 2) {
        r[i] = Math.min(r[i]!, other[i]!);
        r[i + 1] = Math.max(r[i + 1]!, other[i + 1]!);
      }
    }
  }
  return { stats, ranges };
}

/** Pass-2 sums of the parts, merged in part order: counts and sums add, the largest error is the largest. */
export function mergeErrorSums(parts: readonly PartErrorSums[]): PartErrorSums {
  const first = parts[0]!;
  return {
    weights: addUp(parts.map((p) => p.weights)),
    schemes: first.schemes.map((_, i) => mergeSchemeSums(parts.map((p) => p.schemes[i]!))),
    formats: first.formats.map((_, i) => mergeSchemeSums(parts.map((p) => p.formats[i]!))),
  };
}

/** The tensor's result from its merged sums (as analyzeTensorFast assembles it). */
export function splitResult(
  tensor: Pick<TensorSummary, 'name' | 'dtype' | 'shape' | 'numel'>, options: AnalysisOptions, plan: SplitPlan, stats: StatsSums, errors: PartErrorSums,
): TensorResult {
  const { request } = plan;
  const part = finishWasmStream(request, stats, null, errors);
  const display = { min: part.stats.min, max: part.stats.max, bins: request.bins, errorPercentiles: request.errorPercentiles };
  const formats = request.formats.map((s, i) => formatResult(FORMATS[s.format], errors.formats[i]!, display));
  const { runners, notApplicable } = planSchemes(options.schemes, tensor.shape, tensor.numel);
  // Ints and formats each keep the order asked: interleave them back.
  const next = { int: 0, format: 0 };
  const results: QuantResult[] = runners.map(({ scheme }) => scheme.kind === 'int' ? part.results[next.int++]! : formats[next.format++]!);
  return {
    name: tensor.name, dtype: tensor.dtype, shape: [...tensor.shape], numel: tensor.numel, stats: part.stats,
    ...(part.histogram ? { histogram: part.histogram } : {}),
    results,
    ...(notApplicable.length > 0 ? { notApplicable } : {}),
  };
}

function mergeSchemeSums(parts: readonly SchemeSums[]): SchemeSums {
  const acc = addUp(parts.map((p) => p.acc));
  acc[ERR.MAX_ABS_ERR] = Math.max(...parts.map((p) => p.acc[ERR.MAX_ABS_ERR]!));
  const errHists = parts.map((p) => p.errHist);
  return {
    acc,
    xErr: parts.reduce((n, p) => n + p.xErr, 0),
    errHist: errHists.every((h): h is Float64Array => h !== null) ? addUp(errHists) : null,
    deqCounts: addUp(parts.map((p) => p.deqCounts)),
    clipped: parts.reduce((n, p) => n + p.clipped, 0),
    tally: parts[0]!.tally ? mergeTallies(parts.map((p) => p.tally!)) : null,
  };
}

function mergeTallies(parts: readonly GroupTally[]): GroupTally {
  return {
    groups: parts.reduce((n, t) => n + t.groups, 0),
    degenerateGroups: parts.reduce((n, t) => n + t.degenerateGroups, 0),
    scaleMin: Math.min(...parts.map((t) => t.scaleMin)),
    scaleMax: Math.max(...parts.map((t) => t.scaleMax)),
  };
}

/** Element-wise sum, added in part order. */
function addUp(arrays: readonly Float64Array[]): Float64Array {
  const out = Float64Array.from(arrays[0]!);
  for (const a of arrays.slice(1)) for (let i = 0; i < out.length; i++) out[i]! += a[i]!;
  return out;
}

function leastCommonMultiple(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}

function isTensorMinmax(s: Scheme): boolean {
  return s.kind === 'int' && s.granularity === 'tensor' && s.range === 'minmax';
}
