import type { Chart, Plugin } from 'chart.js';
import type { ParetoPoint, PlanShown } from '../src/shared/planPanelProtocol';
import type { ChartSet } from './charts';
import { presetPoints } from './planPresetPoints';
import { cssVar, seriesColor } from './theme';

/** Preset labels: their font size, and the gap between a point and its label. */
const LABEL_FONT_PX = 11;
const LABEL_OFFSET_PX = 6;

interface LabelBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const overlaps = (a: LabelBox, b: LabelBox): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Names the preset points: each label right of its point, else left, else above; a label that
 * would overlap another or leave the plot is left out (the point's tooltip still names it).
 * The labels drawn are left on the canvas as `data-labels` (JSON) for the browser test.
 */
function presetLabels(datasetIndex: number, labels: readonly string[]): Plugin {
  return {
    id: 'planPresetLabels',
    afterDatasetsDraw(chart: Chart) {
      const { ctx, chartArea } = chart;
      const points = chart.getDatasetMeta(datasetIndex).data;
      ctx.save();
      ctx.font = `${LABEL_FONT_PX}px ${cssVar('--vscode-font-family')}`;
      ctx.textBaseline = 'middle';
      ctx.fillStyle = cssVar('--vscode-foreground');
      const placed: (LabelBox & { text: string })[] = [];
      points.forEach((point, i) => {
        const text = labels[i];
        if (text === undefined) return;
        const width = ctx.measureText(text).width;
        const half = LABEL_FONT_PX / 2 + 1;
        const tries: LabelBox[] = [
          { left: point.x + LABEL_OFFSET_PX, right: point.x + LABEL_OFFSET_PX + width, top: point.y - half, bottom: point.y + half },
          { left: point.x - LABEL_OFFSET_PX - width, right: point.x - LABEL_OFFSET_PX, top: point.y - half, bottom: point.y + half },
          { left: point.x - width / 2, right: point.x + width / 2, top: point.y - LABEL_OFFSET_PX - 2 * half, bottom: point.y - LABEL_OFFSET_PX },
        ];
        const box = tries.find((b) => b.left >= chartArea.left && b.right <= chartArea.right && b.top >= chartArea.top && b.bottom <= chartArea.bottom
          && !placed.some((p) => overlaps(p, b)));
        if (!box) return;
        placed.push({ ...box, text });
        ctx.fillText(text, box.left, (box.top + box.bottom) / 2);
      });
      ctx.restore();
      chart.canvas.dataset['labels'] = JSON.stringify(placed.map((p) => p.text));
    },
  };
}

const point = (p: { bitsPerWeight: number; damage: number }): { x: number; y: number } => ({ x: p.bitsPerWeight, y: p.damage });

/**
 * Size against predicted damage: the solver's front as a line, each stock preset a labelled
 * point (presets giving the same plan share one), the plan shown highlighted. Down and left is better.
 */
export function paretoChart(
  charts: ChartSet, front: readonly ParetoPoint[], presets: readonly ParetoPoint[], plan: PlanShown, reference: PlanShown | null,
): HTMLElement {
  const frontColor = seriesColor(0);
  const presetColor = seriesColor(1);
  const planColor = seriesColor(4);
  // Damage spans orders of magnitude from 2 to 8 bits: a log axis, without zero-damage points (plain floats).
  const positive = <P extends { damage: number }>(ps: readonly P[]): P[] => ps.filter((p) => p.damage > 0);
  const shownPresets = presetPoints(positive(presets));
  const current = plan.damage !== null && plan.damage > 0 ? [{ x: plan.bitsPerWeight, y: plan.damage }] : [];
  const caption = `Each stock preset a labelled point, the solver's front a line, ${plan.label} highlighted${reference ? `; compared with ${reference.label}` : ''}. Lower and further left is better.`;
  return charts.add('pareto-chart', 'Size against predicted damage', caption, {
    type: 'line',
    data: {
      datasets: [
        { label: 'solver front', data: positive(front).map(point), borderColor: frontColor, backgroundColor: frontColor, borderWidth: 1.5, pointRadius: 2, showLine: true },
        {
          label: 'stock presets', data: shownPresets.map(point), borderColor: presetColor, backgroundColor: presetColor, showLine: false, pointRadius: 4, pointStyle: 'rectRot',
        },
        { label: plan.label, data: current, borderColor: planColor, backgroundColor: planColor, showLine: false, pointRadius: 7, pointStyle: 'circle' },
      ],
    },
    options: {
      parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'bits per weight (size)' } },
        y: { type: 'logarithmic', title: { display: true, text: 'predicted damage (Σ α·t²)' } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => {
              const name = item.datasetIndex === 1 ? shownPresets[item.dataIndex]?.label ?? '' : item.dataset.label ?? '';
              return `${name}: ${(item.parsed.x ?? 0).toFixed(2)} bpw, damage ${(item.parsed.y ?? 0).toPrecision(3)}`;
            },
          },
        },
      },
    },
    plugins: [presetLabels(1, shownPresets.map((p) => p.label ?? ''))],
  });
}
