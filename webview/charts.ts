import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, Tooltip, type ChartConfiguration, type ChartType, type Plugin,
} from 'chart.js';
import { el } from './dom';
import { cssVar } from './theme';

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
/** Line height of threshold labels; each label row sits this much below the previous one. */
const LABEL_ROW_PX = 12;
/** Space between a line and its label. */
const LABEL_GAP_PX = 3;

export interface VerticalLine {
  readonly x: number;
  readonly color: string;
  readonly label?: string;
  /** Labels of lines that may share an x go on separate rows (0 = top). */
  readonly labelRow?: number;
  readonly dash?: number[];
  readonly tick?: boolean;
}

/** Vertical lines at given x values (quantization levels, clipping thresholds), drawn over the plot. */
export function verticalLines(id: string, lines: () => readonly VerticalLine[]): Plugin {
  return {
    id,
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales['x'];
      if (!x) return;
      ctx.save();
      for (const line of lines()) {
        const px = x.getPixelForValue(line.x);
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.strokeStyle = line.color;
        ctx.setLineDash(line.dash ?? []);
        ctx.beginPath();
        // Ticks mark levels along the bottom edge; full lines mark thresholds.
        ctx.moveTo(px, chartArea.bottom);
        ctx.lineTo(px, line.tick ? chartArea.bottom - LEVEL_TICK_PX : chartArea.top);
        ctx.stroke();
        if (line.label) {
          ctx.fillStyle = line.color;
          // Labels that would run past the plot's right edge go on the line's left.
          const width = ctx.measureText(line.label).width;
          const left = px + LABEL_GAP_PX + width > chartArea.right;
          ctx.textAlign = left ? 'right' : 'left';
          ctx.fillText(line.label, left ? px - LABEL_GAP_PX : px + LABEL_GAP_PX, chartArea.top + 10 + LABEL_ROW_PX * (line.labelRow ?? 0));
        }
      }
      ctx.restore();
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
