import { PAIR_COLUMNS, type CompareProgress, type CompareRendered, type CompareSetup, type CompareStatus, type HostToCompareView, type PairColumn } from '../src/shared/comparePanelProtocol';
import type { CompareOutcome } from '../src/shared/compareTypes';
import { assertNever } from '../src/shared/assertNever';
import { EXPORT_FORMATS, type PanelError } from '../src/shared/webviewProtocol';
import { applyChartTheme } from './charts';
import { PairDrill, type DrillData } from './compareDrill';
import type { CompareAppHost, CompareUi } from './compareHost';
import { findingsList, unpairedList } from './compareLists';
import { DEFAULT_SORT, filterPairs, nextSort, pairKey, sortPairs, type PairSort } from './compareRows';
import { PairTable } from './compareTable';
import { el } from './dom';
import { frameScheduler } from './frameScheduler';
import { formatCount } from './format';
import { watchTheme } from './theme';

const PERCENT = 100;

const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

function savedSort(s: CompareUi['sort'] | undefined): PairSort {
  const column = PAIR_COLUMNS.find((c) => c === s?.column);
  return column ? { column, descending: s?.descending === true } : DEFAULT_SORT;
}

/** The Compare (two files) view: findings on top, the sortable, filterable pair table, a pair's histograms, the unpaired names. */
export class CompareApp {
  private setup: CompareSetup | null = null;
  private status: CompareStatus | 'waiting' = 'waiting';
  private progress: CompareProgress | null = null;
  private error: PanelError | null = null;
  private result: CompareOutcome | null = null;
  /** Bumped by each result (a rerun may bring the same number of pairs). */
  private resultVersion = 0;
  private readonly histograms = new Map<string, DrillData>();
  private sort: PairSort;
  private filter: string;
  private selected: string | null;
  private logScale: boolean;

  private readonly title = el('h1', { class: 'file', attrs: { id: 'cmp-title' } });
  private readonly facts = el('p', { class: 'fact', attrs: { id: 'cmp-facts' } });
  private readonly actions = el('div', { class: 'actions' });
  private readonly progressBox = el('div', { class: 'progress', attrs: { id: 'cmp-progress' } });
  private readonly errorBox = el('div', { attrs: { id: 'cmp-error' } });
  private readonly findings = el('section', { class: 'cmp-findings', attrs: { id: 'findings', 'aria-label': 'Findings' } });
  private readonly filterInput: HTMLInputElement;
  private readonly count = el('span', { class: 'fact', attrs: { id: 'pair-count', 'aria-live': 'polite' } });
  private readonly table: PairTable;
  private readonly drill = new PairDrill();
  private readonly unpaired = el('section', { class: 'cmp-unpaired', attrs: { id: 'unpaired', 'aria-label': 'Unpaired tensors' } });
  private readonly schedule = frameScheduler(() => this.render());
  /** What was drawn last: parts redraw only when their inputs change. */
  private drawn = { result: null as CompareOutcome | null, tableKey: '', drillKey: '' };
  private lastRendered = '';

  constructor(private readonly root: HTMLElement, private readonly host: CompareAppHost) {
    const saved = host.loadUi();
    this.sort = savedSort(saved?.sort);
    this.filter = typeof saved?.filter === 'string' ? saved.filter : '';
    this.selected = typeof saved?.selected === 'string' ? saved.selected : null;
    this.logScale = saved?.logScale === true;
    this.filterInput = el('input', {
      attrs: { type: 'search', id: 'pair-filter', placeholder: 'Filter: words of a name, type or transform', 'aria-label': 'Filter pairs', value: this.filter },
      on: { input: () => this.change(() => { this.filter = this.filterInput.value; }) },
    });
    this.table = new PairTable({
      sort: (c: PairColumn) => this.change(() => { this.sort = nextSort(this.sort, c); }),
      select: (key) => this.change(() => { this.selected = key; }),
      open: (key) => this.open(key),
    });
    watchTheme(() => {
      applyChartTheme();
      this.drawn.drillKey = '';
      this.schedule();
    });
  }

  start(): void {
    applyChartTheme();
    this.root.replaceChildren(
      el('header', { class: 'header cmp-header' }, [el('div', { class: 'facts' }, [this.title, this.facts]), el('div', { class: 'controls' }, [this.progressBox, this.actions])]),
      el('main', { class: 'cmp-body' }, [
        this.errorBox,
        this.findings,
        el('section', { class: 'cmp-pairs', attrs: { 'aria-label': 'Pairs' } }, [el('div', { class: 'toolbar' }, [this.filterInput, this.count]), this.table.root]),
        this.drill.root,
        this.unpaired,
      ]),
    );
    this.host.connect((m) => this.apply(m));
  }

  private apply(m: HostToCompareView): void {
    switch (m.type) {
      case 'init':
        this.setup = m.setup;
        this.status = 'waiting';
        this.result = null;
        this.error = null;
        this.progress = null;
        this.histograms.clear();
        this.resultVersion++;
        break;
      case 'status':
        this.status = m.status;
        this.progress = m.progress;
        this.error = m.error;
        break;
      case 'result':
        this.result = m.result;
        this.resultVersion++;
        break;
      case 'histograms':
        this.histograms.set(pairKey(m.pair), m.histograms ? { kind: 'ready', histograms: m.histograms } : { kind: 'failed', message: m.error ?? 'no histograms' });
        break;
      default:
        assertNever(m);
    }
    this.schedule();
  }

  private change(update: () => void): void {
    update();
    this.host.saveUi({ sort: this.sort, filter: this.filter, selected: this.selected, logScale: this.logScale });
    this.schedule();
  }

  /** Shows a pair's histograms, asking the host to compute them once. */
  private open(key: string): void {
    const pair = this.result?.pairs.find((p) => pairKey(p) === key);
    if (!pair) return;
    if (!this.histograms.has(key) && this.host.interactive) {
      this.histograms.set(key, { kind: 'pending' });
      this.host.post({ type: 'requestHistograms', pair: { reference: pair.reference, candidate: pair.candidate, transform: pair.transform } });
    }
    this.change(() => { this.selected = key; });
    this.drill.root.scrollIntoView({ block: 'nearest' });
  }

  private render(): void {
    this.renderHeader();
    const result = this.result;
    if (result !== this.drawn.result) {
      this.drawn.result = result;
      this.findings.replaceChildren(...(result ? findingsList(result, (key) => this.open(key)) : []));
      this.unpaired.replaceChildren(...(result ? unpairedList(result) : []));
    }
    const shown = result ? sortPairs(filterPairs(result.pairs, this.filter), this.sort) : [];
    const tableKey = JSON.stringify([this.resultVersion, result === null, this.sort, this.filter]);
    if (tableKey !== this.drawn.tableKey) {
      this.drawn.tableKey = tableKey;
      this.table.draw(shown, this.sort, this.selected);
    } else {
      this.table.mark(this.selected);
    }
    this.count.textContent = result ? `${shown.length.toLocaleString()} of ${result.pairs.length.toLocaleString()} pairs` : '';
    this.renderDrill();
    queueMicrotask(() => this.report(shown.length));
  }

  private renderHeader(): void {
    const s = this.setup;
    this.title.textContent = s ? `${baseName(s.candidate)} against ${baseName(s.reference)}` : 'Comparing…';
    this.title.title = s ? `candidate ${s.candidate}\nreference ${s.reference}` : '';
    this.facts.textContent = s ? `names matched: ${s.mapping} · QuantLens ${s.quantlensVersion}` : '';
    const running = this.status === 'running' || this.status === 'waiting';
    const p = this.progress;
    const share = p && p.elementsTotal > 0 ? Math.min(1, p.elementsDone / p.elementsTotal) : 0;
    const fill = el('div', { class: 'progress-fill' });
    fill.style.width = `${(running ? share : 1) * PERCENT}%`;
    const text = running
      ? p ? `${Math.round(share * PERCENT)} % of the candidate read (${formatCount(p.elementsDone)} of ${formatCount(p.elementsTotal)} values)` : 'Reading the headers…'
      : this.status === 'done' ? `${(this.result?.pairs.length ?? 0).toLocaleString()} pairs measured` : this.status;
    this.progressBox.replaceChildren(el('div', { class: 'progress-track', attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': PERCENT, 'aria-valuenow': Math.round(share * PERCENT) } }, [fill]), el('span', { class: 'progress-text', attrs: { id: 'cmp-status' }, text }));
    const interactive = this.host.interactive;
    const exportSelect = el('select', {
      attrs: { id: 'cmp-export', 'aria-label': 'Export', disabled: !this.result },
      on: { change: () => {
        const format = EXPORT_FORMATS.find((f) => f === exportSelect.value);
        exportSelect.selectedIndex = 0;
        if (format) this.host.post({ type: 'export', format });
      } },
    }, [el('option', { text: 'Export…', attrs: { value: '' } }), ...EXPORT_FORMATS.map((f) => el('option', { text: f.toUpperCase(), attrs: { value: f } }))]);
    const buttons: (HTMLElement | null)[] = interactive ? [
      running ? el('button', { text: 'Cancel', attrs: { type: 'button', id: 'cmp-cancel' }, on: { click: () => this.host.post({ type: 'cancel' }) } }) : null,
      el('button', { text: 'Swap sides', class: 'secondary', attrs: { type: 'button', id: 'cmp-swap', title: 'Compare the other way round: the candidate becomes the reference', disabled: running }, on: { click: () => this.host.post({ type: 'swap' }) } }),
      el('button', { text: 'Compare again', class: 'secondary', attrs: { type: 'button', id: 'cmp-rerun', title: 'Read both files again (after they changed on disk)', disabled: running }, on: { click: () => this.host.post({ type: 'rerun' }) } }),
      exportSelect,
    ] : [];
    this.actions.replaceChildren(...buttons.filter((x): x is HTMLElement => x !== null));
    const err = this.error;
    this.errorBox.replaceChildren(...(this.status === 'failed' && err ? [el('p', {
      class: 'error-line', attrs: { role: 'alert', id: 'cmp-error-line', title: err.message },
      text: `Cannot compare: ${err.message}${err.offset !== undefined ? ` (at byte ${err.offset.toLocaleString()})` : ''}`,
    })] : this.status === 'cancelled' && !this.result ? [el('p', { class: 'empty-state', text: 'Cancelled. Compare again to start over.' })] : []));
  }

  private renderDrill(): void {
    const pair = this.result?.pairs.find((p) => pairKey(p) === this.selected);
    const data = this.selected ? this.histograms.get(this.selected) : undefined;
    const key = JSON.stringify([this.selected, pair ? data?.kind ?? 'none' : 'gone', this.logScale, this.result?.pairs.length ?? -1]);
    if (key === this.drawn.drillKey) return;
    this.drawn.drillKey = key;
    if (!this.result) {
      this.drill.clear(this.status === 'failed' ? '' : 'The pairs appear here when both files have been read.');
      return;
    }
    if (!pair) {
      this.drill.clear(this.host.interactive ? 'Select a pair (Enter, or click a row) to see both tensors\' histograms and the error\'s.' : 'Histograms are drawn in the editor only: open the two files there.');
      return;
    }
    if (!data) {
      this.drill.clear(this.host.interactive ? 'Press Enter (or click the row) to read both tensors and draw their histograms.' : 'Histograms are drawn in the editor only: open the two files there.');
      return;
    }
    this.drill.draw(pair, data, this.logScale, (on) => this.change(() => { this.logScale = on; }));
  }

  private report(pairRows: number): void {
    const view: CompareRendered = {
      status: this.status,
      findings: this.result?.findings.length ?? 0,
      pairsTotal: this.result?.pairs.length ?? 0,
      pairRows,
      unpaired: this.result ? this.result.unpaired.reference.length + this.result.unpaired.candidate.length : 0,
      sort: this.sort,
      filter: this.filter,
      selected: this.result?.pairs.find((p) => pairKey(p) === this.selected)?.candidate ?? null,
      chartsDrawn: this.drill.chartsDrawn(),
      error: this.status === 'failed' ? this.error?.message ?? null : null,
    };
    const text = JSON.stringify(view);
    if (text === this.lastRendered) return;
    this.lastRendered = text;
    this.root.dataset['status'] = view.status;
    this.root.dataset['rows'] = String(view.pairRows);
    this.host.post({ type: 'rendered', view });
  }
}
