/** The plain-text PTQ summary: float accuracy, then one run a line, then per-layer SQNR of activation runs. */
import { alignColumns } from '../../core/report/textTable';
import type { PtqReport } from '../../shared/calibTypes';

const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)} %`);
const db = (v: number | null) => (v === null ? 'exact' : `${v.toFixed(1)} dB`);

function table(head: string[], rows: string[][]): string[] {
  return alignColumns([head, ...rows], head.map((_, i) => (i < 2 ? 'left' : 'right')));
}

export function ptqText(report: PtqReport): string {
  const title = `${report.model}: ${report.samples} samples, output '${report.output}', convention ${report.convention}; ` +
    `float accuracy ${pct(report.float.accuracy)} (${(report.elapsedMs / 1000).toFixed(1)} s)`;
  const runs = table(['weights', 'activations', 'accuracy', 'agreement', 'output SQNR'],
    report.runs.map((r) => [r.weights ?? 'float', r.activations ?? 'float', pct(r.accuracy), pct(r.agreement), db(r.outputSqnrDb)]));
  const layers = report.runs.filter((r) => r.layers && r.layers.length > 0).flatMap((r) => [
    '', `per-activation SQNR, weights ${r.weights ?? 'float'} + activations ${r.activations}:`,
    ...table(['activation', 'op', 'SQNR'], r.layers!.map((l) => [l.name, l.op, db(l.sqnrDb)])).map((l) => `  ${l}`),
  ]);
  return [title, `weights quantized: ${report.weightTensors.join(', ') || 'none'}`, '', ...runs, ...layers, ...report.notes.map((n) => `note: ${n}`), ''].join('\n');
}
