/**
 * analyzeTensor with fast paths: the same TensorResult as the reference (analyzeTensor.ts), with
 * the int schemes it can take computed faster. Which path a tensor takes:
 *  - 16-bit-or-less floats, per-tensor minmax int schemes only: distinct-value counts (one pass);
 *  - otherwise, with the WebAssembly kernels loaded: the SIMD streaming passes (per tensor, per channel);
 *  - every other scheme (per group, named formats, ...) and everything without the kernels: the reference.
 * Results keep the order the schemes were asked in.
 */
import type { AnalysisOptions, Histogram, IntScheme, QuantResult, Scheme, TensorResult, TensorStats } from '../../../shared/analysisTypes';
import type { WasmKernels } from './wasmKernels';
import type { TensorEntry } from '../../tensor';
import { analyzeTensor, type AnalyzeHooks } from '../analyzeTensor';
import { planSchemes } from '../planSchemes';
import { analyzeByValueCounts, NotCountableError, VALUE_COUNT_DTYPES } from './valueCounts';
import { analyzeByWasmStream, wasmStreamSupports } from './wasmStream';
import { openWasmPassKernels } from './formatPassKernels';

/** The fast paths count in u32 (value counts, error buckets): larger tensors take the reference. */
const MAX_FAST_ELEMENTS = 2 ** 32 - 1;

interface FastPart {
  readonly stats: TensorStats;
  readonly histogram?: Histogram;
  readonly results: readonly QuantResult[];
}

export async function analyzeTensorFast(
  entry: TensorEntry, options: AnalysisOptions, hooks: AnalyzeHooks, kernels: WasmKernels | null,
): Promise<TensorResult> {
  const plans = planSchemes(options.schemes, entry.shape, entry.numel);
  const openPassKernels = kernels ? openWasmPassKernels(kernels) : null;
  const applicable = plans.runners.map((r) => r.scheme);
  if (entry.numel > MAX_FAST_ELEMENTS) return analyzeTensor(entry, options, hooks, openPassKernels);
  const byCounts = VALUE_COUNT_DTYPES.has(entry.dtype) ? applicable.filter(isTensorMinmax) : [];
  const byWasm = kernels && byCounts.length < applicable.filter(isInt).length
    ? applicable.filter((s): s is IntScheme => isInt(s) && wasmStreamSupports(s, entry.shape))
    : [];
  // One fast path per tensor: the streaming one also covers what counting would.
  const fast: readonly Scheme[] = byWasm.length > 0 ? byWasm : byCounts;
  const rest = applicable.filter((s) => !fast.includes(s));
  if (fast.length === 0) return analyzeTensor(entry, options, hooks, openPassKernels);

  const bins = options.tableOnly ? 0 : options.histogramBins;
  const errorPercentiles = !options.tableOnly;
  const share = fast.length / applicable.length;
  const fastHooks = { signal: hooks.signal, onElements: (n: number) => hooks.onElements?.(Math.floor(n * share)) };
  let part: FastPart;
  if (byWasm.length > 0) {
    const lease = kernels!.lease();
    try {
      part = await analyzeByWasmStream(entry, { schemes: byWasm, bins, errorPercentiles }, lease, fastHooks);
    } finally {
      lease.release();
    }
  } else {
    try {
      part = await analyzeByValueCounts(entry, byCounts, bins, errorPercentiles, fastHooks);
    } catch (e) {
      if (e instanceof NotCountableError) return analyzeTensor(entry, options, hooks, openPassKernels);
      throw e;
    }
  }
  const restResult = rest.length > 0
    ? await analyzeTensor(entry, { ...options, schemes: rest }, {
      signal: hooks.signal,
      onElements: (n) => hooks.onElements?.(Math.floor(entry.numel * share + n * (1 - share))),
    }, openPassKernels)
    : null;
  const byScheme = new Map<Scheme, QuantResult>();
  fast.forEach((s, i) => byScheme.set(s, part.results[i]!));
  rest.forEach((s, i) => byScheme.set(s, restResult!.results[i]!));
  return {
    name: entry.name, dtype: entry.dtype, shape: [...entry.shape], numel: entry.numel, stats: part.stats,
    ...(part.histogram ? { histogram: part.histogram } : {}),
    results: applicable.map((s) => byScheme.get(s)!),
    ...(plans.notApplicable.length > 0 ? { notApplicable: plans.notApplicable } : {}),
  };
}

function isInt(s: Scheme): s is IntScheme {
  return s.kind === 'int';
}

function isTensorMinmax(s: Scheme): s is IntScheme {
  return s.kind === 'int' && s.granularity === 'tensor' && s.range === 'minmax';
}
