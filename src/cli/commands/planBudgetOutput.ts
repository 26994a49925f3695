import { layerImatrixStats, tensorImatrixStats } from '../../core/plan/imatrix/imatrixStats';
import type { Imatrix } from '../../core/plan/imatrix/imatrixTypes';
import type { PredictedPlan } from '../../core/plan/solver/planAtBudget';
import type { BudgetResult } from './planBudget';

/** Pareto points the text output lists (the JSON has all). */
const TEXT_PARETO_POINTS = 12;

/** What --export wrote: for llama.cpp the base type llama-quantize takes beside the file, else how to apply it (a command or Python). */
export type Exported =
  | { readonly target: string; readonly file: string; readonly baseType: string }
  | { readonly target: string; readonly file: string; readonly apply: string };

function exportedText(exported: Exported, files: readonly string[]): string[] {
  if ('apply' in exported) return [`wrote ${exported.file}:`, exported.apply];
  const input = files.length === 1 && files[0]!.toLowerCase().endsWith('.gguf') ? files[0] : 'IN.gguf';
  return [`wrote ${exported.file}: llama-quantize --tensor-type-file ${exported.file} ${input} OUT.gguf ${exported.baseType}`];
}

const count = (n: number): string => n.toLocaleString('en-US');
const sci = (n: number): string => n.toExponential(3);

function imatrixJson(imatrix: Imatrix | null): unknown {
  if (imatrix === null) return null;
  return {
    file: imatrix.file, format: imatrix.format, datasets: imatrix.datasets, chunkCount: imatrix.chunkCount,
    tensors: tensorImatrixStats(imatrix), layers: layerImatrixStats(imatrix),
  };
}

function presetJson(p: PredictedPlan): unknown {
  return { preset: p.preset, totalBytes: p.totalBytes, bitsPerWeight: p.bitsPerWeight, predictedDamage: p.predictedDamage };
}

/** CLI.md's plan JSON for a budget plan, with the solver's bound, the imatrix statistics, the refit and the presets predicted. */
export function budgetPlanJson(result: BudgetResult, candidates: readonly string[], exported: Exported | null): unknown {
  const { plan } = result;
  return {
    target: plan.target,
    preset: null,
    budget: plan.budget,
    candidates,
    weighted: result.errors.table.weighted,
    tensors: plan.tensors.map((t) => ({
      name: t.name, type: t.type, bytes: t.bytes, requested: t.requested, reason: t.reason,
      predicted: { sqnrDb: t.predicted.sqnrDb, relErr: t.predicted.relErr, damage: t.predicted.damage },
    })),
    totalBytes: plan.totalBytes,
    bitsPerWeight: plan.bitsPerWeight,
    predictedDamage: plan.predictedDamage,
    damageLowerBound: plan.damageLowerBound,
    optimalityGap: plan.optimalityGap,
    pareto: plan.pareto,
    presets: result.presets.map(presetJson),
    refit: result.refit,
    imatrix: imatrixJson(result.errors.imatrix),
    ...(exported ? { export: exported } : {}),
  };
}

function table(head: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length)); // no Math.max(...rows): a model may have more tensors than a call takes arguments
  const line = (cells: string[]): string => cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

function imatrixText(imatrix: Imatrix | null): string[] {
  if (imatrix === null) return ['errors unweighted (no --imatrix)'];
  const layers = layerImatrixStats(imatrix);
  return [
    `imatrix ${imatrix.file} (${imatrix.format}, ${imatrix.entries.size} entries, ${imatrix.chunkCount ?? '?'} chunks of ${imatrix.datasets.join(', ') || 'unknown text'}): errors weighted per column`,
    ...table(['layer', 'energy', 'spread', 'cv'], layers.map((l) => [l.layer === null ? '-' : String(l.layer), sci(l.energy), l.spread.toFixed(1), l.cv.toFixed(2)]), new Set([1, 2, 3])),
  ];
}

function sample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, k) => items[Math.round((k * (items.length - 1)) / (n - 1))]!);
}

export function budgetPlanText(result: BudgetResult, files: readonly string[], candidates: readonly string[], exported: Exported | null): string {
  const { plan } = result;
  const budget = 'bpw' in plan.budget ? `${plan.budget.bpw} bits per weight` : `${count(plan.budget.bytes)} bytes`;
  const rows = plan.tensors.map((t) => [
    t.name, t.type, count(t.bytes), t.predicted.relErr === 0 ? '0' : t.predicted.relErr.toExponential(2),
    t.predicted.sqnrDb === null ? 'exact' : t.predicted.sqnrDb.toFixed(1), t.reason,
  ]);
  const presets = result.presets.map((p) => {
    const verdict = p.totalBytes >= plan.totalBytes && p.predictedDamage > plan.predictedDamage
      ? ` (this plan: ${(100 * (1 - plan.predictedDamage / p.predictedDamage)).toFixed(0)} % less damage, ${count(p.totalBytes - plan.totalBytes)} bytes smaller)` : '';
    return `  ${p.preset}: ${count(p.totalBytes)} bytes, ${p.bitsPerWeight.toFixed(3)} bpw, predicted damage ${sci(p.predictedDamage)}${verdict}`;
  });
  return [
    `${files.join(', ')}: ${plan.target} plan within ${budget} over ${candidates.join(', ')}`,
    ...imatrixText(result.errors.imatrix),
    ...(result.refit ? [`refit: ${result.refit.file} measured ${result.refit.measured}, predicted ${sci(result.refit.predictedBefore)}: alphas x ${sci(result.refit.scale)} (damage in the measured unit)`] : []),
    '',
    ...table(['name', 'type', 'bytes', 'relErr', 'SQNR dB', 'reason'], rows, new Set([2, 3, 4])),
    '',
    `${count(plan.tensors.length)} tensors, ${count(plan.totalBytes)} bytes, ${plan.bitsPerWeight.toFixed(3)} bits per weight, predicted damage ${sci(plan.predictedDamage)} (no plan within the budget below ${sci(plan.damageLowerBound)})`,
    '',
    `Pareto front (${plan.pareto.length} plans; bits per weight -> predicted damage):`,
    ...sample(plan.pareto, TEXT_PARETO_POINTS).map((p) => `  ${p.bitsPerWeight.toFixed(3)}  ${sci(p.predictedDamage)}`),
    ...(presets.length > 0 ? ['', 'stock presets, same errors:', ...presets] : []),
    ...(exported ? ['', ...exportedText(exported, files)] : []),
    '',
  ].join('\n');
}
