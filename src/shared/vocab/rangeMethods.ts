/**
 * Range methods (how a clipping range is chosen), one entry each, and their one grammar:
 * `analyze --range`, `calibrate --methods`, `ptq --activations`, the `quantlens.range` setting
 * and the scheme picker all parse with parseRangeMethod. Core implements each kind
 * (src/core/quant/ranges/chooseRange.ts).
 */

/** A range method, parsed. */
export type ParsedRangeMethod =
  | { readonly kind: 'minmax' }
  | { readonly kind: 'percentile'; readonly percentile: number }
  | { readonly kind: 'mse' }
  | { readonly kind: 'entropy' }
  | { readonly kind: 'entropy-onnxruntime' }
  | { readonly kind: 'histogram' };

export type RangeMethodKind = ParsedRangeMethod['kind'];

export interface RangeMethodEntry {
  /** How it is written (P: a parameter). */
  readonly syntax: string;
  /** Works on a group's own few values; the histogram-based methods need more than a group holds. */
  readonly perGroup: boolean;
  readonly description: string;
}

/** In the order help texts list them. */
export const RANGE_METHOD_TABLE: Readonly<Record<RangeMethodKind, RangeMethodEntry>> = {
  minmax: { syntax: 'minmax', perGroup: true, description: 'the data min and max' },
  percentile: { syntax: 'percentile:P', perGroup: true, description: 'the P-th percentile (0 < P <= 100) of |x| (symmetric) or of both tails' },
  mse: { syntax: 'mse', perGroup: true, description: 'the clip that minimises the quantization MSE' },
  entropy: { syntax: 'entropy', perGroup: false, description: 'KL divergence, as ModelOpt and TensorRT calibrate' },
  'entropy-onnxruntime': { syntax: 'entropy:onnxruntime', perGroup: false, description: 'KL divergence with onnxruntime calibrator defaults' },
  histogram: { syntax: 'histogram', perGroup: false, description: 'torch HistogramObserver (L2 over its histogram)' },
};

/** The parameter of `percentile:P`: a plain decimal. */
const PERCENTILE = /^percentile:(\d+(?:\.\d+)?)$/;
const PERCENTILE_PATTERN = 'percentile:\\d+(\\.\\d+)?';

/** Methods written as a fixed word, by spelling. */
const FIXED: ReadonlyMap<string, ParsedRangeMethod> = new Map(
  (Object.keys(RANGE_METHOD_TABLE) as RangeMethodKind[])
    .filter((kind) => kind !== 'percentile')
    .map((kind) => [RANGE_METHOD_TABLE[kind].syntax, { kind } as ParsedRangeMethod]),
);

/** The grammar as a JSON-schema pattern (package.json `quantlens.range` must equal it: test/unit/manifest). */
export const RANGE_METHOD_PATTERN = `^(${[...FIXED.keys()].join('|')}|${PERCENTILE_PATTERN})$`;

/** Every method's syntax, for messages and help. */
export const RANGE_METHOD_SYNTAX: readonly string[] = Object.values(RANGE_METHOD_TABLE).map((e) => e.syntax);

/** The picker's chips: each fixed method, and the percentiles most used. */
export const PICKER_RANGE_METHODS: readonly string[] = ['minmax', 'percentile:99.99', 'percentile:99.9', 'mse', 'entropy', 'entropy:onnxruntime', 'histogram'];

/** null when `text` is not a range method. */
export function parseRangeMethod(text: string): ParsedRangeMethod | null {
  const fixed = FIXED.get(text);
  if (fixed) return fixed;
  const m = PERCENTILE.exec(text);
  if (!m) return null;
  const percentile = Number(m[1]);
  return percentile > 0 && percentile <= 100 ? { kind: 'percentile', percentile } : null;
}

export function isRangeMethod(text: string): boolean {
  return parseRangeMethod(text) !== null;
}

/** Why `text` is not a range method, in one line naming the grammar. */
export function rangeMethodProblem(text: string): string {
  const p = /^percentile:(.*)$/.exec(text);
  if (p) return `percentile must be a number in (0, 100], got '${p[1]}'`;
  return `unknown method '${text}' (expected one of: ${RANGE_METHOD_SYNTAX.join(', ')})`;
}

/** The canonical spelling (`percentile:99.990` -> `percentile:99.99`). */
export function rangeMethodName(method: ParsedRangeMethod): string {
  return method.kind === 'percentile' ? `percentile:${method.percentile}` : RANGE_METHOD_TABLE[method.kind].syntax;
}
