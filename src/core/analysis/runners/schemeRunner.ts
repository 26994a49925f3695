import type { QuantResult, TensorStats } from '../../../shared/analysisTypes';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import type { PassKernels } from '../../metrics/passKernels';
import type { CalibrationHistograms } from '../../quant/ranges/calibrationHistogram';

/** What is known after pass 1 (and the calibration pass, when one ran). */
export interface PrepareContext {
  readonly stats: TensorStats;
  /** Set when some runner asked for calibration histograms. */
  readonly calibration: CalibrationHistograms | null;
  /** Range and bins of the overlays (the weights' own [min, max]). */
  readonly display: DisplayRange;
  /** Length of the chunks pass 2 hands out. */
  readonly chunkLength: number;
  /** Where the error sums run (null: the reference kernel), lending a buffer of max(chunkLength, block) values per named format. */
  readonly kernels: PassKernels | null;
}

/** One scheme applied to one tensor: optional pass-1 observation, then prepare() builds its pass 2. */
export interface SchemeRunner {
  /** Pass 1: see every chunk (per-channel ranges). */
  observe?(x: Float32Array, n: number, start: number): void;
  /** Whether the range method needs the tensor's calibration histograms (an extra pass). */
  readonly needsCalibration: boolean;
  /** Set when the runner calibrates itself (per-channel histograms): sees every chunk in the calibration pass, after pass 1. */
  readonly calibrate?: (x: Float32Array, n: number, start: number) => void;
  prepare(ctx: PrepareContext): SchemePass;
  /**
   * Set when pass 2 reads nothing of pass 1 (a named format without a tensor-wide scale): with no
   * histograms to range, it then runs in pass 1's read of each chunk.
   */
  readonly prepareUnranged?: (ctx: UnrangedContext) => SchemePass;
}

/** What pass 2 gets when it runs in pass 1's read: no stats yet, and no histograms. */
export type UnrangedContext = Pick<PrepareContext, 'chunkLength' | 'kernels'> & { readonly errorPercentiles: boolean };

/** Pass 2 of one scheme: round-trip every chunk and accumulate the error, then report. */
export interface SchemePass {
  consume(x: Float32Array, n: number, start: number): void;
  finish(): QuantResult;
}

export type RunnerPlan = { readonly runner: SchemeRunner } | { readonly reason: string };
