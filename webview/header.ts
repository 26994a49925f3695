import { selectionProblem } from '../src/shared/schemeSelection';
import { dtypeBreakdown, totalParams } from '../src/shared/storageSizes';
import { el } from './dom';
import { formatBytes, formatCount } from './format';
import type { AppHost } from './host';
import { schemePicker } from './schemePicker';
import type { Store } from './store';

/** Dtypes named in the header's mix; the rest are summed as "other". */
const HEADER_DTYPES = 3;
const MS_PER_S = 1000;

/** The header bar: what the file is, the scheme picker, Analyze / Cancel, and progress. */
export class Header {
  readonly root = el('header', { class: 'header' });
  private readonly facts = el('div', { class: 'facts' });
  private readonly pickerSlot = el('div', { class: 'picker-slot' });
  private readonly actions = el('div', { class: 'actions' });
  private readonly progressBar = el('div', { class: 'progress-fill' });
  private readonly progressText = el('span', { class: 'progress-text', attrs: { id: 'progress-text', 'aria-live': 'polite' } });
  private pickerKey = '';

  constructor(private readonly store: Store, private readonly host: AppHost) {
    const track = el('div', { class: 'progress-track', attrs: { role: 'progressbar', 'aria-label': 'Analysis progress' } }, [this.progressBar]);
    this.root.append(this.facts, el('div', { class: 'controls' }, [this.pickerSlot, this.actions]), el('div', { class: 'progress' }, [track, this.progressText]));
  }

  update(): void {
    const { init, analysis, ui } = this.store;
    if (!init) return;
    const summary = init.summary;
    const dtypes = summary ? dtypeBreakdown(summary) : [];
    const params = summary ? totalParams(summary) : 0;
    const mix = dtypes.slice(0, HEADER_DTYPES).map((d) => `${d.dtype} ${params > 0 ? Math.round((100 * d.params) / params) : 0}%`);
    if (dtypes.length > HEADER_DTYPES) mix.push('other');
    this.facts.replaceChildren(
      el('span', { class: 'file', text: init.fileName, attrs: { title: init.filePath, id: 'file-name' } }),
      ...(summary ? [
        el('span', { class: 'fact', text: summary.format, attrs: { title: 'File format', id: 'file-format' } }),
        el('span', { class: 'fact', text: `${formatCount(params)} params`, attrs: { title: `${params.toLocaleString()} parameters in ${summary.tensors.length} tensors` } }),
        el('span', { class: 'fact', text: formatBytes(summary.sizeOnDisk), attrs: { title: `${summary.sizeOnDisk.toLocaleString()} bytes on disk` } }),
        el('span', { class: 'fact', text: mix.join(' · '), attrs: { title: 'Share of parameters per stored dtype' } }),
      ] : []),
    );
    const selection = ui.selection ?? init.selection;
    const running = analysis.status === 'running';
    const interactive = this.host.interactive && summary !== null;
    const key = JSON.stringify([selection, interactive && !running]);
    if (key !== this.pickerKey) {
      this.pickerKey = key;
      // Redrawing the picker must not lose keyboard focus: refocus the same control.
      const focused = document.activeElement;
      const chipName = focused instanceof HTMLElement ? focused.dataset['chip'] : undefined;
      const focusedId = focused instanceof HTMLElement && this.pickerSlot.contains(focused) ? focused.id : '';
      const wasOpen = this.pickerSlot.querySelector('details')?.open ?? false;
      this.pickerSlot.replaceChildren(schemePicker(selection, interactive && !running, (next) => this.store.setUi({ selection: next })));
      const details = this.pickerSlot.querySelector('details');
      if (details) details.open = wasOpen;
      const target = chipName ? this.pickerSlot.querySelector<HTMLElement>(`[data-chip="${CSS.escape(chipName)}"]`) : focusedId ? document.getElementById(focusedId) : null;
      target?.focus();
    }
    const problem = selectionProblem(selection);
    this.actions.replaceChildren(...(this.host.interactive ? [
      el('button', {
        class: 'primary', text: 'Analyze',
        attrs: { id: 'analyze', type: 'button', disabled: running || !summary || problem !== null, title: problem ?? 'Quantize every float tensor with the chosen schemes' },
        on: { click: () => this.host.post({ type: 'analyze', selection }) },
      }),
      el('button', {
        text: 'Cancel', attrs: { id: 'cancel', type: 'button', disabled: !running, title: 'Stop the running analysis' },
        on: { click: () => this.host.post({ type: 'cancel' }) },
      }),
      el('button', {
        text: 'Export…', attrs: { id: 'export', type: 'button', disabled: analysis.status !== 'done', title: 'Save the report as CSV, JSON, Markdown or HTML' },
        on: { click: () => this.host.post({ type: 'export', format: null }) },
      }),
    ] : [el('span', { class: 'fact', text: `QuantLens ${init.quantlensVersion} report` })]));
    this.updateProgress();
  }

  private updateProgress(): void {
    const a = this.store.analysis;
    const p = a.progress;
    const total = p?.tensorsTotal ?? a.tensorsTotal;
    const done = p?.tensorsDone ?? a.results.length;
    const fraction = total > 0 ? done / total : a.status === 'done' ? 1 : 0;
    this.progressBar.style.width = `${(100 * fraction).toFixed(1)}%`;
    this.root.classList.toggle('running', a.status === 'running');
    const rate = p && a.elapsedMs > 0 ? ` · ${formatCount((p.elementsDone * MS_PER_S) / a.elapsedMs)} values/s` : '';
    const status = a.status === 'idle' ? 'Pick a scheme and press Analyze' : a.status === 'running' ? 'analysing' : a.status;
    this.progressText.textContent = a.status === 'idle' ? status : `${done} / ${total} tensors${rate} · ${status}`;
  }
}
