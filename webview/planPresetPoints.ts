import type { ParetoPoint } from '../src/shared/planPanelProtocol';

/** Between the names of presets that give the same plan, in their point's label. */
const SAME_PLAN = ' = ';

/**
 * The stock presets as chart points: presets that give the same plan (the same size and damage,
 * e.g. ModelOpt's INT4_AWQ_CFG and W4A8_AWQ_BETA_CFG, whose weights are stored alike) are one
 * point naming them all, so neither label hides the other. Order is kept (first appearance).
 */
export function presetPoints(presets: readonly ParetoPoint[]): ParetoPoint[] {
  const points: ParetoPoint[] = [];
  for (const p of presets) {
    const k = points.findIndex((q) => q.bytes === p.bytes && q.damage === p.damage);
    if (k < 0) {
      points.push(p);
      continue;
    }
    const label = [points[k]!.label, p.label].filter((l) => l !== undefined).join(SAME_PLAN);
    points[k] = { ...points[k]!, label };
  }
  return points;
}
