import type { Histogram } from '../src/shared/analysisTypes';
import type { ComparedPairView, PairHistograms } from '../src/shared/compareTypes';
import { ChartSet } from './charts';
import { el } from './dom';
import { formatDb, formatNumber, formatShape } from './format';
import { histogramPoints } from './quantLevels';
import { seriesColor, withAlpha } from './theme';

/** Fill under the histogram lines, as on the Tensor tab. */
const FILL_ALPHA = 0.25;

/** What the drill-down has for its pair: nothing yet, the histograms, or why there are none. */
export type DrillData = { readonly kind: 'pending' } | { readonly kind: 'ready'; readonly histograms: PairHistograms } | { readonly kind: 'failed'; readonly message: string };

/** One pair: the reference's and the candidate's histograms side by side (same x range), the error's below. */
export class PairDrill {
  readonly root = el('section', { class: 'cmp-drill', attrs: { id: 'pair-drill', 'aria-live': 'polite' } });
  private readonly charts = new ChartSet();

  chartsDrawn(): number {
    return this.charts.count();
  }

  clear(text: string): void {
    this.charts.destroyAll();
    this.root.replaceChildren(el('p', { class: 'empty-state', text }));
  }

  draw(pair: ComparedPairView, data: DrillData, logScale: boolean, onLog: (on: boolean) => void): void {
    this.charts.destroyAll();
    const log = el('input', { attrs: { type: 'checkbox', id: 'drill-log', checked: logScale }, on: { change: () => onLog(log.checked) } });
    const facts = [
      `${pair.referenceDtype} → ${pair.candidateStorage ? `${pair.candidateStorage} (decoded to ${pair.candidateDtype})` : pair.candidateDtype}`, formatShape(pair.shape), `transform ${pair.transform}`,
      `SQNR ${formatDb(pair.sqnrDb)}`, `max error ${formatNumber(pair.maxAbsErr)}`,
      ...(pair.requantizedSqnrDb !== null ? [`requantized reference ${formatDb(pair.requantizedSqnrDb)}`] : []),
      ...(pair.nonFinite.candidate + pair.nonFinite.reference > 0 ? [`NaN/Inf ${pair.nonFinite.reference} / ${pair.nonFinite.candidate}`] : []),
    ];
    const head = el('div', { class: 'cmp-drill-head' }, [
      el('h2', { attrs: { id: 'drill-title' } }, [el('code', { text: pair.reference }), ' ↔ ', el('code', { text: pair.candidate })]),
      el('p', { class: 'fact', text: facts.join(' · ') }),
      el('label', { class: 'field' }, [log, el('span', { text: 'log scale' })]),
    ]);
    if (data.kind !== 'ready') {
      this.root.replaceChildren(head, el('p', { class: data.kind === 'failed' ? 'error-line' : 'empty-state', attrs: { id: 'drill-status', role: data.kind === 'failed' ? 'alert' : 'status' }, text: data.kind === 'failed' ? data.message : 'Reading both tensors…' }));
      return;
    }
    const { reference, candidate, error } = data.histograms;
    const peak = Math.max(...reference.counts, ...candidate.counts);
    this.root.replaceChildren(head, el('div', { class: 'cmp-charts' }, [
      this.chart('reference-chart', 'Reference values', `Histogram of ${pair.reference} (${pair.referenceDtype}), on the same axes as the candidate's`, reference, 0, logScale, peak),
      this.chart('candidate-chart', 'Candidate values', `Histogram of ${pair.candidate} (${pair.candidateDtype}) as dequantized, on the same axes as the reference's`, candidate, 1, logScale, peak),
      this.chart('error-chart', 'Error: x − y', `Histogram of reference minus candidate; max |error| ${formatNumber(pair.maxAbsErr)}`, error, 4, logScale, undefined),
    ]));
  }

  private chart(id: string, title: string, caption: string, h: Histogram, color: number, log: boolean, peak: number | undefined): HTMLElement {
    const c = seriesColor(color);
    return this.charts.add(id, title, caption, {
      type: 'line',
      data: { datasets: [{ label: title, data: histogramPoints(h, log), borderColor: c, backgroundColor: withAlpha(c, FILL_ALPHA), fill: true, stepped: 'middle', pointRadius: 0, borderWidth: 1 }] },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', min: h.min, max: h.max, title: { display: true, text: id === 'error-chart' ? 'error' : 'value' } },
          y: { type: log ? 'logarithmic' : 'linear', ...(peak !== undefined && !log ? { max: peak } : {}), title: { display: true, text: 'count' } },
        },
        plugins: { legend: { display: false } },
      },
    });
  }
}
