/** CLI.md's plan output for a stock preset (`plan --preset P`): JSON or a table, with the predicted damage or why there is none. */
import type { StockPrediction } from '../../core/plan/solver/predictStock';
import type { Plan } from '../../core/plan/planTypes';

/** What --export wrote: for llama.cpp the base type llama-quantize takes beside the file, else how to apply it. */
export type PresetExported = { target: string; file: string; baseType: string } | { target: string; file: string; apply: string };

export function presetPlanJson(plan: Plan, prediction: StockPrediction, exported: PresetExported | null, generic: string | null = null): unknown {
  const predicted = prediction.plan;
  return {
    target: plan.target,
    // why the architecture is unknown and llama-quantize's generic rules apply; null otherwise
    generic,
    preset: plan.preset,
    budget: null,
    weighted: prediction.errors?.table.weighted ?? null,
    tensors: plan.tensors.map((t, i) => {
      const p = predicted?.tensors[i]?.predicted ?? null;
      return { name: t.name, type: t.type, bytes: t.bytes, requested: t.requested, reason: t.reason, predicted: p && { sqnrDb: p.sqnrDb, relErr: p.relErr, damage: p.damage } };
    }),
    totalBytes: plan.totalBytes,
    bitsPerWeight: plan.bitsPerWeight,
    predictedDamage: predicted?.predictedDamage ?? null,
    // why predictedDamage is null (a type without a quantizer here, or --no-predict); null when it is a number
    unpredicted: prediction.unpredicted,
    pareto: null,
    ...(exported ? { export: exported } : {}),
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The line that says a model is planned under llama-quantize's generic rules, and why. */
function genericLine(why: string): string {
  return `architecture unknown (${why}): llama-quantize's generic rules apply (names kept, every weight of 2+ dimensions at the preset's type with its fallbacks, the rest F32)`;
}

function damageText(prediction: StockPrediction): string {
  if (prediction.plan === null) return `predicted damage unknown (${prediction.unpredicted})`;
  return `predicted damage ${prediction.plan.predictedDamage.toExponential(3)} (${prediction.errors.table.weighted ? 'imatrix-weighted' : 'unweighted'} errors)`;
}

export function presetPlanText(plan: Plan, prediction: StockPrediction, files: readonly string[], exported: { file: string; how: string } | null, generic: string | null = null): string {
  const head = ['name', 'type', 'bytes', 'requested', 'reason'];
  const rows = plan.tensors.map((t) => [t.name, t.type, count(t.bytes), t.requested ?? '', t.reason]);
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length)); // no Math.max(...rows): a model may have more tensors than a call takes arguments
  const line = (cells: string[]): string => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const fallbacks = plan.tensors.filter((t) => t.requested !== null).length;
  return [
    `${files.join(', ')}: ${plan.target} ${plan.preset}`,
    ...(generic === null ? [] : [genericLine(generic)]),
    '',
    line(head),
    ...rows.map(line),
    '',
    `${count(plan.tensors.length)} tensors, ${count(plan.totalBytes)} bytes, ${plan.bitsPerWeight.toFixed(2)} bits per weight${fallbacks > 0 ? `, ${fallbacks} fallbacks` : ''}`,
    damageText(prediction),
    ...(exported ? [`wrote ${exported.file}:`, exported.how] : []),
    '',
  ].join('\n');
}
