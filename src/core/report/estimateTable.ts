import type { Estimated, TensorEstimate } from '../../shared/estimateTypes';
import { ESTIMATE_CONFIDENCE } from '../../shared/estimateTypes';
import { configLabel, type LabelParts } from './configs';
import * as fmt from './numbers';
import { alignColumns, type Align } from './textTable';

const HEADER = ['layer', 'shape', 'config', 'MSE', 'rel. error', 'SQNR', 'max error'];
const ALIGN: Align[] = ['left', 'left', 'left', 'right', 'right', 'right', 'right'];
/** Marks a figure whose scale came from the sample's range (footnote). */
const RANGE_MARK = '†';

/**
 * `analyze --progressive`: the first estimate of every tensor, each figure with its interval
 * ("≈ value ± half-width"), the max error as the sample's lower bound ("≥"), printed before the
 * exact table.
 */
export function renderEstimateTable(file: string, estimates: readonly TensorEstimate[], parts: LabelParts, elapsedMs: number): string {
  const sampled = estimates.reduce((n, e) => n + e.sampledElements, 0);
  const total = estimates.reduce((n, e) => n + e.numel, 0);
  const lines = [
    `${file} · first estimate from a sample of ${fmt.plural(sampled, 'value')} of ${fmt.count(total)} · ${(elapsedMs / 1000).toFixed(2)} s`,
    `≈ value ± ${Math.round(ESTIMATE_CONFIDENCE * 100)} % interval; max error: the sample's, a lower bound; exact figures follow when the full pass ends`,
    '',
  ];
  const rows = estimates.flatMap((e) => e.results.map((r, i) => [
    i === 0 ? e.name : '', i === 0 ? fmt.shape(e.shape) : '',
    configLabel(r.scheme, parts) + (r.rangeFromSample ? ` ${RANGE_MARK}` : ''),
    estimated(r.mse, fmt.sci), estimated(r.meanRelErrPct, fmt.pct),
    r.sqnrDb === null ? 'exact' : estimated(r.sqnrDb, (x) => fmt.db(x)), `≥ ${fmt.sci(r.maxAbsErrLowerBound)}`,
  ]));
  lines.push(...alignColumns([HEADER, ...rows], ALIGN));
  if (estimates.some((e) => e.results.some((r) => r.rangeFromSample))) {
    lines.push(`${RANGE_MARK} scale from the sample's range (per tensor, or per channel across rows): the interval leaves out the range's own error, and the figures lean low`);
  }
  return lines.join('\n') + '\n';
}

/** `≈ 1.23e-5 ± 4.0e-7`; a figure read from the whole tensor is shown as is. */
function estimated(e: Estimated, format: (x: number) => string): string {
  if (e.halfWidth === 0) return format(e.value);
  return `≈ ${format(e.value)} ± ${format(e.halfWidth)}`;
}
