import type { Convention, Granularity, IntMode, IntScheme, NamedFormat, RangeMethod, Scheme } from './analysisTypes';

/** What the scheme picker (and the settings) choose; expanded into concrete schemes. */
export interface SchemeSelection {
  readonly bits: readonly number[];
  readonly modes: readonly IntMode[];
  readonly granularities: readonly Granularity[];
  readonly groupSize: number;
  /** Range methods to compare; the core reports a method that cannot apply to a granularity in notApplicable. */
  readonly ranges: readonly RangeMethod[];
  readonly convention: Convention;
  readonly formats: readonly NamedFormat[];
}

export const SELECTABLE_BITS = [8, 4, 2] as const;
export const ALL_MODES: readonly IntMode[] = ['symmetric', 'asymmetric'];
export const ALL_GRANULARITIES: readonly Granularity[] = ['tensor', 'channel', 'group'];
export const ALL_CONVENTIONS: readonly Convention[] = ['lecture', 'torch', 'onnxruntime'];

/** Every (bits x mode x granularity x range) integer scheme, then the named formats. */
export function expandSelection(sel: SchemeSelection): Scheme[] {
  const schemes: Scheme[] = [];
  for (const bits of sel.bits) {
    for (const mode of sel.modes) {
      for (const granularity of sel.granularities) {
        for (const range of sel.ranges) {
          schemes.push({
            kind: 'int', bits, mode, granularity,
            groupSize: granularity === 'group' ? sel.groupSize : null,
            axis: 0, range, convention: sel.convention,
          });
        }
      }
    }
  }
  for (const format of sel.formats) schemes.push({ kind: 'format', format });
  return schemes;
}

/** Why a selection cannot run, or null when it can. */
export function selectionProblem(sel: SchemeSelection): string | null {
  const hasInt = sel.bits.length > 0 && sel.modes.length > 0 && sel.granularities.length > 0 && sel.ranges.length > 0;
  if (!hasInt && sel.formats.length === 0) return 'Pick at least one bit width, mode, granularity and range method, or a named format.';
  if (sel.granularities.includes('group') && !(Number.isInteger(sel.groupSize) && sel.groupSize > 0)) {
    return 'Group size must be a positive integer.';
  }
  return null;
}

/** The selection that expands to (at least) these schemes: how a saved report shows its picker. */
export function selectionFromSchemes(schemes: readonly Scheme[], fallback: SchemeSelection): SchemeSelection {
  const ints = schemes.filter((s): s is IntScheme => s.kind === 'int');
  const first = ints[0];
  const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
  const perTensor = ints.filter((s) => s.granularity === 'tensor');
  return {
    bits: unique(ints.map((s) => s.bits)),
    modes: unique(ints.map((s) => s.mode)),
    granularities: unique(ints.map((s) => s.granularity)),
    groupSize: ints.find((s) => s.groupSize !== null)?.groupSize ?? fallback.groupSize,
    ranges: perTensor.length > 0 ? unique(perTensor.map((s) => s.range)) : fallback.ranges,
    convention: first?.convention ?? fallback.convention,
    formats: unique(schemes.flatMap((s) => (s.kind === 'format' ? [s.format] : []))),
  };
}
