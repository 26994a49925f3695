import type { QuantResult, Scheme } from './analysisTypes';

const MODE_SHORT = { symmetric: 'sym', asymmetric: 'asym' } as const;

/** A short, stable label for one configuration, e.g. `int8 sym channel` or `q4_k`. */
export function configLabel(r: QuantResult | Scheme): string {
  if (r.kind === 'format') return r.format;
  const group = r.granularity === 'group' ? `${r.granularity}${r.groupSize ?? ''}` : r.granularity;
  const range = r.range === 'minmax' ? '' : ` ${r.range}`;
  return `int${r.bits} ${MODE_SHORT[r.mode]} ${group}${range}`;
}
