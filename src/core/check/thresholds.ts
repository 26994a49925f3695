import type { CompareOutcome } from '../../shared/compareTypes';

/** The gates of `quantlens check`; an absent one is not checked. */
export interface Thresholds {
  readonly minSqnrDb: number | null;
  /** Largest relative Frobenius error ‖x - y‖ / ‖x‖ allowed. */
  readonly maxRelErr: number | null;
  readonly noNonFinite: boolean;
}

/** One thing checked (a compared pair, an analysed scheme) and what it failed, if anything. */
export interface CheckCase {
  /** The file it is about. */
  readonly file: string;
  /** Tensor, and scheme for analyze results. */
  readonly name: string;
  readonly failures: readonly CheckFailure[];
}

export type CheckRule = 'min-sqnr' | 'max-rel-err' | 'no-nonfinite' | 'plan';

export interface CheckFailure {
  readonly rule: CheckRule;
  readonly message: string;
}

interface Measured {
  readonly sqnrDb: number | null;
  readonly relErr: number | null;
  readonly nonFinite: number;
}

function failuresOf(m: Measured, t: Thresholds): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (t.minSqnrDb !== null && m.sqnrDb !== null && m.sqnrDb < t.minSqnrDb) {
    out.push({ rule: 'min-sqnr', message: `SQNR ${m.sqnrDb.toFixed(2)} dB < ${t.minSqnrDb} dB` });
  }
  if (t.maxRelErr !== null && m.relErr !== null && m.relErr > t.maxRelErr) {
    out.push({ rule: 'max-rel-err', message: `relative error ${m.relErr.toPrecision(4)} > ${t.maxRelErr}` });
  }
  if (t.noNonFinite && m.nonFinite > 0) out.push({ rule: 'no-nonfinite', message: `${m.nonFinite} NaN/Inf values` });
  return out;
}

/**
 * Each compared pair against the thresholds (non-finite: the candidate's), and each plan-deviation
 * finding (`compare --plan`) as a failure of its tensor.
 */
export function checkCompare(result: CompareOutcome, t: Thresholds): CheckCase[] {
  const cases = new Map<string, { file: string; name: string; failures: CheckFailure[] }>();
  for (const p of result.pairs) {
    const failures = failuresOf({ sqnrDb: p.sqnrDb, relErr: p.relFrobenius, nonFinite: p.nonFinite.candidate }, t);
    const seen = cases.get(p.candidate);
    // the parts of a fused tensor are pairs of one candidate tensor: one case
    if (seen) seen.failures.push(...failures);
    else cases.set(p.candidate, { file: result.candidate, name: p.candidate, failures });
  }
  for (const f of result.findings) {
    if (f.kind !== 'plan-deviation' || f.tensor === null) continue;
    const failure: CheckFailure = { rule: 'plan', message: f.message };
    const seen = cases.get(f.tensor);
    if (seen) seen.failures.push(failure);
    else cases.set(f.tensor, { file: result.candidate, name: f.tensor, failures: [failure] });
  }
  return [...cases.values()];
}

/** The parts of CLI.md's analyze JSON the gates read. */
export interface AnalyzeReport {
  readonly file: string;
  readonly tensors: readonly {
    readonly name: string;
    readonly stats: { readonly nonFinite: number };
    readonly results: readonly { readonly kind: string; readonly sqnrDb: number | null; readonly mode?: string; readonly bits?: number; readonly granularity?: string; readonly format?: string }[];
  }[];
}

function schemeName(r: AnalyzeReport['tensors'][number]['results'][number]): string {
  return r.kind === 'format' ? String(r.format) : `int${r.bits} ${r.mode} ${r.granularity}`;
}

/**
 * Each analysed scheme against the thresholds. The relative Frobenius error follows from the SQNR:
 * ‖x - deq‖ / ‖x‖ = 10^(-sqnrDb / 20).
 */
export function checkAnalyze(report: AnalyzeReport, t: Thresholds): CheckCase[] {
  const DB_PER_AMPLITUDE_DECADE = 20;
  return report.tensors.flatMap((tensor) =>
    tensor.results.map((r) => ({
      file: report.file,
      name: `${tensor.name} ${schemeName(r)}`,
      failures: failuresOf({
        sqnrDb: r.sqnrDb,
        relErr: r.sqnrDb === null ? 0 : 10 ** (-r.sqnrDb / DB_PER_AMPLITUDE_DECADE),
        nonFinite: tensor.stats.nonFinite,
      }, t),
    })),
  );
}
