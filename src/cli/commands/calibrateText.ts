/** The plain-text calibration summary: one activation a line, scale and zero point per method. */
import { alignColumns } from '../../core/report/textTable';
import type { CalibrationReport } from '../../shared/calibTypes';

const SIGNIFICANT = 4;

function num(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs >= 1e-3 && abs < 1e5 ? String(Number(v.toPrecision(SIGNIFICANT))) : v.toExponential(SIGNIFICANT - 1);
}

export function calibrationText(report: CalibrationReport): string {
  const head = ['activation', 'op', 'min', 'max', ...report.methods.map((m) => `${m} scale/zp`)];
  const rows = report.activations.map((a) => [
    a.name, a.op, num(a.min), num(a.max),
    ...report.methods.map((m) => {
      const q = a.methods[m];
      return q ? `${num(q.scale)} / ${q.zeroPoint}` : '-';
    }),
  ]);
  const table = alignColumns([head, ...rows], head.map((_, i) => (i < 2 ? 'left' : 'right')));
  const sources = report.inputs.map((i) => `${i.name} <- ${i.source}`).join(', ');
  const title = `${report.model}: ${report.activations.length} activations over ${report.samples} samples in ${report.batches} batches (${sources}); ` +
    `${report.bits}-bit ${report.mode}, convention ${report.convention}, ${(report.elapsedMs / 1000).toFixed(1)} s`;
  return [title, '', ...table, ...report.notes.map((n) => `note: ${n}`), ''].join('\n');
}
