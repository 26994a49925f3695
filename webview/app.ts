import { assertNever } from '../src/shared/assertNever';
import { INSPECTOR_TABS, MODEL_RUN_TABS, type InspectorTab, type PanelError, type RenderedView } from '../src/shared/webviewProtocol';
import { CalibrationView } from './calibrationView';
import { applyChartTheme } from './charts';
import { CompareView } from './compareView';
import { el } from './dom';
import { Header } from './header';
import type { AppHost } from './host';
import { LayersView } from './layersView';
import { OverviewView } from './overview';
import { PtqView } from './ptqView';
import type { Store } from './store';
import { TensorView } from './tensorView';
import { watchTheme } from './theme';

const TAB_TITLES: Record<InspectorTab, string> = {
  overview: 'Overview', layers: 'Layers', tensor: 'Tensor', compare: 'Compare', calibration: 'Calibration', ptq: 'PTQ',
};
const NO_CALIB_RENDERED: RenderedView['calib'] = { activationRows: 0, selectedActivation: null, ptqRuns: 0, calibrationError: null, ptqError: null };
const NO_TENSOR_VIEW: RenderedView['tensorView'] = { rangeMethods: [], blockChart: null };

function errorBox(error: PanelError, host: AppHost, title: string): HTMLElement {
  const where = [error.format, error.offset !== undefined ? `at byte ${error.offset.toLocaleString()}` : ''].filter(Boolean).join(' ');
  return el('div', { class: 'error-box', attrs: { role: 'alert', id: 'error-box' } }, [
    el('h2', { text: title }),
    el('p', { class: 'error-message', text: error.message }),
    where ? el('p', { class: 'error-where', text: where }) : null,
    host.interactive ? el('button', {
      text: 'Reopen with the default editor', attrs: { type: 'button', id: 'reopen-default' },
      on: { click: () => host.post({ type: 'reopenWithDefault' }) },
    }) : null,
  ]);
}

/** The inspector: header, tab strip and the views (Calibration and PTQ for ONNX models), redrawn once per frame after changes. */
export class App {
  private readonly header: Header;
  private readonly overview: OverviewView;
  private readonly layers: LayersView;
  private readonly tensor: TensorView;
  private readonly compare: CompareView;
  private readonly calibration: CalibrationView;
  private readonly ptq: PtqView;
  private tabs: readonly InspectorTab[] = INSPECTOR_TABS;
  private readonly tabButtons = new Map<InspectorTab, HTMLButtonElement>();
  private readonly panels = new Map<InspectorTab, HTMLElement>();
  private readonly banner = el('div', { class: 'banner' });
  private mounted = false;
  private frameRequested = false;
  private themeChanged = false;
  private lastRendered = '';

  constructor(private readonly root: HTMLElement, private readonly store: Store, private readonly host: AppHost) {
    const open = (name: string): void => store.setUi({ selectedTensor: name, tab: 'tensor' });
    const configKey = (): string | undefined => this.layers.currentKey();
    this.header = new Header(store, host);
    this.overview = new OverviewView(store, open);
    this.layers = new LayersView(store, open);
    this.tensor = new TensorView(store, host, configKey);
    this.compare = new CompareView(store, configKey);
    this.calibration = new CalibrationView(store, host);
    this.ptq = new PtqView(store, host);
    store.subscribe(() => this.schedule());
    watchTheme(() => {
      this.themeChanged = true;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.render();
    });
  }

  private mount(runnable: boolean): void {
    const tabs = el('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } });
    const views: Record<InspectorTab, HTMLElement> = {
      overview: this.overview.root, layers: this.layers.root, tensor: this.tensor.root, compare: this.compare.root,
      calibration: this.calibration.root, ptq: this.ptq.root,
    };
    this.tabs = runnable ? INSPECTOR_TABS : INSPECTOR_TABS.filter((t) => !MODEL_RUN_TABS.includes(t));
    for (const tab of this.tabs) {
      const button = el('button', {
        class: 'tab', text: TAB_TITLES[tab],
        attrs: { type: 'button', role: 'tab', id: `tab-${tab}`, 'aria-controls': `panel-${tab}` },
        on: { click: () => this.store.setUi({ tab }), keydown: (e) => this.onTabKey(e, tab) },
      });
      this.tabButtons.set(tab, button);
      tabs.append(button);
      this.panels.set(tab, el('section', { class: 'tab-panel', attrs: { role: 'tabpanel', id: `panel-${tab}`, 'aria-labelledby': `tab-${tab}` } }, [views[tab]]));
    }
    this.root.replaceChildren(this.header.root, this.banner, tabs, ...this.panels.values());
    this.mounted = true;
  }

  /** Left / right arrows move between tabs (WAI-ARIA tabs pattern). */
  private onTabKey(e: KeyboardEvent, tab: InspectorTab): void {
    const i = this.tabs.indexOf(tab);
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = this.tabs[(i + delta + this.tabs.length) % this.tabs.length] ?? tab;
    this.store.setUi({ tab: next });
    this.tabButtons.get(next)?.focus();
  }

  private render(): void {
    const { init, ui, analysis } = this.store;
    if (!init) return;
    this.host.saveUi(ui);
    if (!init.summary) {
      this.root.replaceChildren(errorBox(init.error ?? { message: 'The file could not be read.' }, this.host, `QuantLens cannot read ${init.fileName}`));
      this.report({ tab: ui.tab, tensorsListed: 0, resultRows: 0, selectedTensor: null, chartsDrawn: 0, tensorView: NO_TENSOR_VIEW, calib: NO_CALIB_RENDERED });
      return;
    }
    if (!this.mounted) this.mount(init.runnable);
    // A saved tab that this file does not have (Calibration on a safetensors file) falls back to the Overview.
    const tab = this.tabs.includes(ui.tab) ? ui.tab : 'overview';
    const force = this.themeChanged;
    if (force) applyChartTheme();
    this.themeChanged = false;
    this.banner.replaceChildren(...(analysis.status === 'failed' && analysis.error ? [errorBox(analysis.error, this.host, 'The analysis failed')] : []));
    this.header.update();
    for (const [t, button] of this.tabButtons) {
      const selected = t === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      const panel = this.panels.get(t);
      if (panel) panel.hidden = !selected;
    }
    // Only the visible view draws; charts of hidden views are released.
    if (tab !== 'overview') this.overview.destroyCharts();
    if (tab !== 'tensor') this.tensor.release();
    if (tab !== 'compare') this.compare.release();
    if (tab !== 'calibration') this.calibration.release();
    if (tab !== 'ptq') this.ptq.release();
    this.layers.update();
    if (tab === 'overview') this.overview.update(force);
    if (tab === 'tensor') this.tensor.update(force);
    if (tab === 'compare') this.compare.update(force);
    if (tab === 'calibration') this.calibration.update(force);
    if (tab === 'ptq') this.ptq.update(force);
    // Charts are created in microtasks queued by the views: count them after those ran.
    queueMicrotask(() => this.report({
      tab,
      tensorsListed: this.overview.list.count,
      resultRows: this.layers.rowsShown,
      selectedTensor: ui.selectedTensor,
      chartsDrawn: this.chartsDrawn(tab),
      tensorView: tab === 'tensor' ? this.tensor.shown : NO_TENSOR_VIEW,
      calib: {
        activationRows: this.calibration.rowsShown,
        selectedActivation: this.calibration.selected(),
        ptqRuns: this.ptq.runsShown,
        calibrationError: document.getElementById('calib-error')?.textContent ?? null,
        ptqError: document.getElementById('ptq-error')?.textContent ?? null,
      },
    }));
  }

  private chartsDrawn(tab: InspectorTab): number {
    switch (tab) {
      case 'overview': return this.overview.chartsDrawn();
      case 'tensor': return this.tensor.chartsDrawn();
      case 'compare': return this.compare.chartsDrawn();
      case 'calibration': return this.calibration.chartsDrawn();
      case 'ptq': return this.ptq.chartsDrawn();
      case 'layers': return 0;
      default: return assertNever(tab);
    }
  }

  private report(view: RenderedView): void {
    const key = JSON.stringify(view);
    if (key === this.lastRendered) return;
    this.lastRendered = key;
    this.root.dataset['tab'] = view.tab;
    this.root.dataset['rows'] = String(view.resultRows);
    this.host.post({ type: 'rendered', view });
  }

  start(): void {
    applyChartTheme();
    this.host.connect((m) => this.store.apply(m));
  }
}
