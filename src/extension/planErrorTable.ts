/**
 * Per-candidate errors from an analysis of the model under the candidates' named formats (the
 * ggml reference quantizers and float casts, run in the worker pool): the solver's ErrorTable.
 * Plain TypeScript (no vscode), so it is unit-tested. Unweighted: t = ||W − Q(W)|| / ||W||.
 */
import type { ErrorTable } from '../core/plan/errors/errorTable';
import type { PlanTensor } from '../core/plan/planTypes';
import type { FormatScheme, TensorResult } from '../shared/analysisTypes';
import { NAMED_FORMAT_TABLE, type NamedFormat } from '../shared/vocab/namedFormats';

/** Plain float types as the analysis names their casts; F32 stores every finite value exactly. */
const FLOAT_FORMATS: Readonly<Record<string, NamedFormat | 'exact'>> = { F32: 'exact', F16: 'fp16', BF16: 'bf16' };

/** The named format whose round trip is the type's (ggml types by their ggml name), 'exact' for F32, null when none is. */
export function formatOfType(type: string): NamedFormat | 'exact' | null {
  const float = FLOAT_FORMATS[type];
  if (float !== undefined) return float;
  const entry = Object.entries(NAMED_FORMAT_TABLE).find(([, e]) => e.family === 'ggml' && e.type === type);
  return entry ? (entry[0] as NamedFormat) : null;
}

/** The analysis schemes that price `types` (those with a round trip; F32 needs none). */
export function errorSchemes(types: readonly string[]): FormatScheme[] {
  const formats = new Set<NamedFormat>();
  for (const t of types) {
    const f = formatOfType(t);
    if (f !== null && f !== 'exact') formats.add(f);
  }
  return [...formats].map((format) => ({ kind: 'format', format }));
}

/**
 * The relative error of every planned tensor as each of `types`, from the analysis results of its
 * source tensors (several for a Hugging Face model's merged experts): the sources' squared errors
 * (mse · n) over their energy (n · (std² + mean²)). Types a tensor's rows do not fit are left out.
 */
export function errorTableFromAnalysis(tensors: readonly PlanTensor[], results: readonly TensorResult[], types: readonly string[]): ErrorTable {
  const byName = new Map(results.map((r) => [r.name, r]));
  const relErr: Record<string, Record<string, number>> = {};
  for (const t of tensors) {
    const sources = (t.sourceNames ?? [t.name]).map((n) => byName.get(n));
    if (sources.some((s) => s === undefined)) continue;
    const found = sources as TensorResult[];
    const energy = found.reduce((sum, s) => sum + s.numel * (s.stats.std ** 2 + s.stats.mean ** 2), 0);
    const row: Record<string, number> = {};
    for (const type of types) {
      const format = formatOfType(type);
      if (format === 'exact') {
        row[type] = 0;
        continue;
      }
      const noises = found.map((s) => s.results.find((r) => r.kind === 'format' && r.format === format));
      if (format === null || noises.some((r) => r === undefined)) continue;
      const noise = noises.reduce((sum, r, i) => sum + (r?.mse ?? 0) * found[i]!.numel, 0);
      row[type] = energy > 0 ? Math.sqrt(noise / energy) : 0;
    }
    relErr[t.name] = row;
  }
  return { weighted: false, relErr };
}
