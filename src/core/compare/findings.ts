import { LLAMA_FTYPES } from '../plan/llamaCpp/ftypes';
import type { Model } from '../tensor';
import { isPlainDType } from '../../shared/vocab/dtypes';
import type { ComparedPairView, CompareFinding } from '../../shared/compareTypes';

/** A tensor this many dB below its reference's own round trip through the same type is suspect (issue 10: wrong scale, layout or dequantizer). */
export const REQUANTIZED_SQNR_MARGIN_DB = 10;
/** Share of the quantized bytes in other types than the declared one beyond which the label misleads (a preset's usual bumps stay below). */
export const FILE_TYPE_MIX_SHARE = 0.25;
const PERCENT = 100;

/** GGUF general.file_type against the bytes of its quantized tensors: "labelled Q2_K: 61 % of bytes are Q3_K/Q4_K/Q6_K". */
export function fileTypeMix(candidate: Model): CompareFinding | null {
  const id = candidate.metadata['general.file_type'];
  const entry = Object.entries(LLAMA_FTYPES).find(([, f]) => f.id === id);
  if (!entry) return null;
  const [label, { defaultType }] = entry;
  const quantized = candidate.tensors.filter((t) => !isPlainDType(t.dtype));
  const total = quantized.reduce((s, t) => s + t.byteLength, 0);
  const byOther = new Map<string, number>();
  for (const t of quantized) if (t.dtype !== defaultType) byOther.set(t.dtype, (byOther.get(t.dtype) ?? 0) + t.byteLength);
  const other = [...byOther.values()].reduce((s, b) => s + b, 0);
  if (total === 0 || other / total <= FILE_TYPE_MIX_SHARE) return null;
  const types = [...byOther.keys()].sort().join('/');
  return { kind: 'file-type-mix', tensor: null, message: `labelled ${label}: ${Math.round((other / total) * PERCENT)} % of quantized bytes are ${types}` };
}

/** Per-pair findings: non-finite values, and error far beyond what the candidate's type gives on this reference. */
export function pairFindings(p: ComparedPairView): CompareFinding[] {
  const out: CompareFinding[] = [];
  if (p.nonFinite.candidate > 0 || p.nonFinite.reference > 0) {
    out.push({ kind: 'non-finite', tensor: p.candidate, message: `${p.nonFinite.candidate} NaN/Inf in the candidate, ${p.nonFinite.reference} in the reference` });
  }
  if (p.requantizedSqnrDb !== null && p.sqnrDb !== null && p.sqnrDb < p.requantizedSqnrDb - REQUANTIZED_SQNR_MARGIN_DB) {
    out.push({
      kind: 'sqnr-below-requantized',
      tensor: p.candidate,
      message: `SQNR ${p.sqnrDb.toFixed(2)} dB, ${(p.requantizedSqnrDb - p.sqnrDb).toFixed(1)} dB below the reference requantized as ${p.candidateDtype} (${p.requantizedSqnrDb.toFixed(2)} dB): suspect a wrong scale, layout or dequantizer`,
    });
  }
  return out;
}
