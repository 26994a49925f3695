import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, Tooltip, layouts, type ChartConfiguration, type ChartType, type Plugin,
} from 'chart.js';
import { el } from './dom';
import { placeLabels, rowsUsed, type LabelBand, type LabelBox, type LabelSpacing, type LineLabel } from './labelLayout';
import { cssVar, withAlpha } from './theme';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip);

/** Applies theme colours to chart.js defaults; call before drawing after a theme change. */
export function applyChartTheme(): void {
  Chart.defaults.color = cssVar('--vscode-foreground');
  Chart.defaults.borderColor = cssVar('--vscode-editorWidget-border');
  Chart.defaults.font.family = cssVar('--vscode-font-family');
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}

/** Charts of one view: created in a canvas box, all destroyed before the view redraws. */
export class ChartSet {
  private readonly charts: Chart[] = [];

  /** A titled figure with a canvas; the chart is drawn into it. */
  add<T extends ChartType>(id: string, title: string, caption: string, config: ChartConfiguration<T>): HTMLElement {
    const canvas = el('canvas', { attrs: { id, role: 'img', 'aria-label': `${title}. ${caption}` } });
    const box = el('div', { class: 'chart-box' }, [canvas]);
    const figure = el('figure', { class: 'chart' }, [el('figcaption', { text: title, attrs: { title: caption } }), box]);
    // Drawn once the figure is in the document, so chart.js can measure its box.
    queueMicrotask(() => this.charts.push(new Chart(canvas, config) as unknown as Chart));
    return figure;
  }

  count(): number {
    return this.charts.length;
  }

  destroyAll(): void {
    for (const c of this.charts.splice(0)) c.destroy();
  }
}

/** Height of a quantization-level tick along the plot's bottom edge. */
const LEVEL_TICK_PX = 12;
/** Threshold labels: their font size, and the row height that keeps stacked labels apart. */
const LABEL_FONT_PX = 11;
const LABEL_SPACING: LabelSpacing = { rowHeight: 14, gap: 3 };
/** Rows of labels above the plot at most: more would crowd out the plot (the tables below list every value). */
const MAX_LABEL_ROWS = 6;
/** A line at the end of the axis (a minmax range) can compute a hair outside the plot: still drawn. */
const EDGE_SLACK_PX = 0.5;
/** Labels sit on a veil of the background so the lines crossing them do not blur the text. */
const LABEL_VEIL_ALPHA = 0.8;

export interface VerticalLine {
  readonly x: number;
  readonly color: string;
  readonly label?: string;
  /** The label's colour when it is not the line's (a label naming several lines). */
  readonly labelColor?: string;
  readonly dash?: number[];
  readonly tick?: boolean;
}

interface PlacedLabels {
  readonly lines: readonly { readonly line: VerticalLine; readonly px: number }[];
  readonly labels: readonly (LineLabel & { readonly line: VerticalLine })[];
  readonly boxes: readonly (LabelBox | null)[];
}

/** The lines inside the plot and their labels placed in `band`. */
function placeLines(chart: Chart, lines: readonly VerticalLine[], band: LabelBand): PlacedLabels {
  const x = chart.scales['x'];
  const { ctx, chartArea } = chart;
  if (!x) return { lines: [], labels: [], boxes: [] };
  const shown = lines.map((line) => ({ line, px: x.getPixelForValue(line.x) })).filter(({ px }) => px >= chartArea.left - EDGE_SLACK_PX && px <= chartArea.right + EDGE_SLACK_PX);
  ctx.save();
  ctx.font = `${LABEL_FONT_PX}px ${String(Chart.defaults.font.family)}`;
  const labels = shown.flatMap(({ line, px }) => (line.label ? [{ x: px, text: line.label, width: ctx.measureText(line.label).width, line }] : []));
  ctx.restore();
  return { lines: shown, labels, boxes: placeLabels(labels, band, LABEL_SPACING) };
}

/**
 * Vertical lines at given x values (quantization levels, clipping thresholds) over the plot. Their
 * labels go in rows in a band above the plot, as many rows as they need for none to overlap
 * another, so they never hide the data (one such plugin per chart, whose legend is not on top).
 * The label boxes (null: no room) are left on the canvas as `data-label-boxes` (JSON) for the browser test.
 */
export function verticalLines(id: string, lines: () => readonly VerticalLine[]): Plugin {
  let bandHeight = 0;
  const setBand = (chart: Chart, height: number): void => {
    bandHeight = height;
    // The band is layout padding above the plot (chart.js keeps the resolved layout options there).
    if (chart.options.layout) chart.options.layout.padding = { top: height };
  };
  return {
    id,
    beforeLayout(chart) {
      setBand(chart, 0);
      const current = lines();
      if (!current.some((l) => l.label)) return;
      // A trial layout shows where the lines fall, hence how many label rows they need (as in
      // chart.update, the scale maps values to pixels once it is placed: configure() after the layout).
      layouts.update(chart, chart.width, chart.height);
      chart.scales['x']?.configure();
      const band = { left: chart.chartArea.left, right: chart.chartArea.right, top: -MAX_LABEL_ROWS * LABEL_SPACING.rowHeight, bottom: 0 };
      const rows = rowsUsed(placeLines(chart, current, band).boxes, band, LABEL_SPACING);
      setBand(chart, rows * LABEL_SPACING.rowHeight);
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const placed = placeLines(chart, lines(), { left: chartArea.left, right: chartArea.right, top: chartArea.top - bandHeight, bottom: chartArea.top });
      const labelTop = new Map(placed.labels.map((l, i) => [l.line, placed.boxes[i]?.top]));
      ctx.save();
      for (const { line, px } of placed.lines) {
        ctx.strokeStyle = line.color;
        ctx.setLineDash(line.dash ?? []);
        ctx.beginPath();
        // Ticks mark levels along the bottom edge; thresholds run up to their label.
        ctx.moveTo(px, chartArea.bottom);
        const top = labelTop.get(line);
        ctx.lineTo(px, line.tick ? chartArea.bottom - LEVEL_TICK_PX : top !== undefined ? top + LABEL_SPACING.rowHeight / 2 : chartArea.top);
        ctx.stroke();
      }
      ctx.font = `${LABEL_FONT_PX}px ${String(Chart.defaults.font.family)}`;
      ctx.textBaseline = 'middle';
      const veil = withAlpha(cssVar('--vscode-editor-background'), LABEL_VEIL_ALPHA);
      placed.labels.forEach((label, i) => {
        const box = placed.boxes[i];
        if (!box) return;
        ctx.fillStyle = veil;
        ctx.fillRect(box.left, box.top, box.width, box.height);
        ctx.fillStyle = label.line.labelColor ?? label.line.color;
        ctx.fillText(box.text, box.left, box.top + box.height / 2);
      });
      ctx.restore();
      chart.canvas.dataset['labelBoxes'] = JSON.stringify(placed.boxes);
    },
  };
}

/** Shades the x ranges outside [lo, hi] (values that would be clipped). */
export function shadeOutside(id: string, range: () => { lo: number; hi: number; color: string } | null): Plugin {
  return {
    id,
    beforeDatasetsDraw(chart) {
      const r = range();
      const x = chart.scales['x'];
      if (!r || !x) return;
      const { ctx, chartArea } = chart;
      const lo = Math.max(chartArea.left, x.getPixelForValue(r.lo));
      const hi = Math.min(chartArea.right, x.getPixelForValue(r.hi));
      ctx.save();
      ctx.fillStyle = r.color;
      if (lo > chartArea.left) ctx.fillRect(chartArea.left, chartArea.top, lo - chartArea.left, chartArea.height);
      if (hi < chartArea.right) ctx.fillRect(hi, chartArea.top, chartArea.right - hi, chartArea.height);
      ctx.restore();
    },
  };
}
