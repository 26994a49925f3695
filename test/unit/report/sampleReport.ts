import type { AnalysisReport, IntMode, IntResult, TensorResult } from '../../../src/shared/analysisTypes';

/** An int result with made-up but self-consistent metrics. */
export function intResult(bits: number, mode: IntMode, mse: number, extra: Partial<IntResult> = {}): IntResult {
  return {
    kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, range: 'minmax', convention: 'lecture',
    scale: 0.01, zeroPoint: mode === 'symmetric' ? 0 : 3, clipMin: -1, clipMax: 1, scaleMin: 0.01, scaleMax: 0.01,
    degenerate: false, clippedPct: 0,
    mse, rmse: Math.sqrt(mse), maxAbsErr: 2 * Math.sqrt(mse), meanRelErrPct: 1000 * mse, sqnrDb: 10 * Math.log10(0.25 / mse),
    cosine: 0.999, errP50: 0.001, errP95: 0.002, errP99: 0.003,
    ...extra,
  };
}

export function tensor(name: string, numel: number, results: TensorResult['results'], stats: Partial<TensorResult['stats']> = {}): TensorResult {
  return {
    name, dtype: 'F32', shape: [numel / 2, 2], numel,
    stats: { min: -1, max: 1, absMax: 1, mean: 0, std: 0.5, nonFinite: 0, ...stats },
    histogram: { min: -1, max: 1, counts: [1, 2, 3] },
    results,
  };
}

/** Two tensors (one with a comma and a pipe in its name), int8 and int4 symmetric, and a skipped int tensor. */
export function sampleReport(): AnalysisReport {
  return {
    file: 'model.safetensors',
    format: 'safetensors',
    convention: 'lecture',
    quantlensVersion: '0.0.0-test',
    options: { schemes: [], histogramBins: 3 },
    tensors: [
      tensor('fc1.weight', 300, [intResult(8, 'symmetric', 1e-6), intResult(4, 'symmetric', 4e-4)]),
      tensor('odd,name|"x"', 100, [
        intResult(8, 'symmetric', 3e-6, { sqnrDb: null }),
        intResult(4, 'symmetric', 8e-4, { meanRelErrPct: Number.NaN }),
      ], { mean: Number.NaN }),
    ],
    skipped: [{ name: 'steps', dtype: 'I64', reason: 'integer tensor' }],
  };
}
