/**
 * Pass 2 of the named formats over one part of a tensor (tensorParts.ts), given the whole tensor's
 * pass-1 sums: each format's round trip and error sums over the part's blocks, to be merged in part
 * order. The parts are whole rows (and whole flat blocks), so no block straddles two parts.
 */
import type { FormatScheme } from '../../../shared/analysisTypes';
import type { ElementRange, SchemeSums, StatsSums } from '../../../shared/tensorPartTypes';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import { finishTensorStats } from '../../metrics/tensorStats';
import type { TensorEntry } from '../../tensor';
import { MAX_FORMAT_BLOCK } from '../analyzeTensor';
import { chunkLength, FORMAT_CHUNK_ELEMENTS } from '../chunkStream';
import { formatPass } from '../runners/formatRunners';
import { openWasmPassKernels } from './formatPassKernels';
import { passInto } from './kernelStream';
import type { PassProgress } from './passes';
import type { WasmKernels } from './wasmKernels';

/** What the formats' pass shows: the histograms and percentiles asked for. */
export interface FormatPartRequest {
  readonly formats: readonly FormatScheme[];
  readonly bins: number;
  readonly errorPercentiles: boolean;
}

/** Every format's error sums over elements [range.from, range.to), in one read of them. */
export async function streamFormatErrors(
  entry: TensorEntry, request: FormatPartRequest, range: ElementRange, sums: StatsSums, kernels: WasmKernels, progress: PassProgress,
): Promise<SchemeSums[]> {
  const stats = finishTensorStats(sums.stats);
  const display: DisplayRange = { min: stats.min, max: stats.max, bins: request.bins, errorPercentiles: request.errorPercentiles };
  const step = chunkLength(entry.data.blockSize, FORMAT_CHUNK_ELEMENTS);
  // Two chunk buffers and one deq buffer per format, read in place by the error sums.
  const passKernels = openWasmPassKernels(kernels)(Math.max(step, MAX_FORMAT_BLOCK), request.formats.length + 2);
  try {
    const buffers = [{ view: passKernels.buffer(step) }, { view: passKernels.buffer(step) }] as const;
    const ctx = { stats, calibration: null, display, chunkLength: step, kernels: passKernels };
    const passes = request.formats.map((s) => formatPass(s, entry.shape, entry.numel, ctx));
    await passInto(entry, range, buffers, progress, (chunk, n, start) => {
      for (const p of passes) p.consume(chunk.view, n, start);
    });
    return passes.map((p) => {
      const { acc, errHist, deqCounts } = p.sums();
      return { acc: Float64Array.from(acc), xErr: 0, errHist: errHist && Float64Array.from(errHist), deqCounts: Float64Array.from(deqCounts), clipped: 0, tally: null };
    });
  } finally {
    passKernels.release();
  }
}
