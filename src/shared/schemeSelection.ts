import type { Convention, Granularity, IntMode, IntScheme, NamedFormat, RangeMethod, Scheme } from './analysisTypes';
import { intSchemeProblem } from './vocab/intSchemes';
import { isNamedFormat } from './vocab/namedFormats';

/** What the CLI flags, the settings and the scheme picker choose; expanded into concrete schemes. */
export interface SchemeSelection {
  readonly bits: readonly number[];
  readonly modes: readonly IntMode[];
  readonly granularities: readonly Granularity[];
  readonly groupSize: number;
  /** Range methods to compare; the core reports a method that cannot apply to a granularity in notApplicable. */
  readonly ranges: readonly RangeMethod[];
  readonly convention: Convention;
  readonly formats: readonly NamedFormat[];
  /** Channel axis of `channel` (the CLI's --axis); 0 when absent. */
  readonly axis?: number;
}

/** The picker's bit-width chips. */
export const SELECTABLE_BITS = [8, 4, 2] as const;

const EMPTY_SELECTION = 'Pick at least one bit width, mode, granularity and range method, or a named format.';

/** A selection's schemes, or why it cannot run. */
export type SelectionExpansion =
  | { readonly ok: true; readonly schemes: readonly Scheme[] }
  | { readonly ok: false; readonly problem: string };

/**
 * The one expansion of a selection (CLI flags, settings and picker alike) and its validation:
 * every integer scheme, granularity-major then range, bits and mode (the CLI JSON's order), then
 * the named formats. Each scheme is checked against the rules of vocab/intSchemes.ts.
 */
export function expandSelection(sel: SchemeSelection): SelectionExpansion {
  const hasInt = sel.bits.length > 0 && sel.modes.length > 0 && sel.granularities.length > 0 && sel.ranges.length > 0;
  if (!hasInt && sel.formats.length === 0) return { ok: false, problem: EMPTY_SELECTION };
  const unknownFormat = sel.formats.find((f) => !isNamedFormat(f));
  if (unknownFormat !== undefined) return { ok: false, problem: `unknown format "${unknownFormat}"` };
  const axis = sel.axis ?? 0;
  if (!Number.isSafeInteger(axis)) return { ok: false, problem: `channel axis ${axis} is not an integer` };
  const schemes: Scheme[] = [];
  for (const granularity of sel.granularities) {
    for (const range of sel.ranges) {
      for (const bits of sel.bits) {
        for (const mode of sel.modes) {
          const scheme: IntScheme = {
            kind: 'int', bits, mode, granularity, groupSize: granularity === 'group' ? sel.groupSize : null, axis, range, convention: sel.convention,
          };
          const problem = intSchemeProblem(scheme);
          if (problem) return { ok: false, problem };
          schemes.push(scheme);
        }
      }
    }
  }
  for (const format of sel.formats) schemes.push({ kind: 'format', format });
  return { ok: true, schemes };
}

/** Why a selection cannot run, or null when it can. */
export function selectionProblem(sel: SchemeSelection): string | null {
  const expansion = expandSelection(sel);
  return expansion.ok ? null : expansion.problem;
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
