import { EMPTY_PLAN_RENDERED } from '../src/shared/planPanelProtocol';
import { INSPECTOR_TABS, type InspectorTab, type PanelError, type RenderedView } from '../src/shared/webviewProtocol';
import { applyChartTheme } from './charts';
import { el } from './dom';
import { frameScheduler } from './frameScheduler';
import { Header } from './header';
import type { AppHost } from './host';
import type { Store } from './store';
import { TABS } from './tabs';
import { watchTheme } from './theme';
import type { View, ViewContext, ViewReport } from './view';

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

/** The report when no view has drawn: the host is told these unless a view says otherwise. */
function emptyRendered(tab: InspectorTab, selectedTensor: string | null): RenderedView {
  return {
    tab, tensorsListed: 0, resultRows: 0, selectedTensor, chartsDrawn: 0, analysisError: null,
    tensorView: { rangeMethods: [], blockChart: null },
    calib: { activationRows: 0, selectedActivation: null, ptqRuns: 0, calibrationError: null, ptqError: null },
    plan: EMPTY_PLAN_RENDERED,
  };
}

/** Each view's report laid over the empty one, in tab order. */
function withReports(base: RenderedView, reports: readonly ViewReport[]): RenderedView {
  return reports.reduce<RenderedView>((r, f) => ({ ...r, ...f, calib: { ...r.calib, ...f.calib } }), base);
}

/** The inspector: header, tab strip and the views of the tab table, redrawn once per frame after changes. */
export class App {
  private readonly header: Header;
  private readonly views: Map<InspectorTab, View>;
  private tabs: readonly InspectorTab[] = INSPECTOR_TABS;
  private readonly tabButtons = new Map<InspectorTab, HTMLButtonElement>();
  private readonly panels = new Map<InspectorTab, HTMLElement>();
  private readonly banner = el('div', { class: 'banner' });
  private mounted = false;
  private readonly schedule = frameScheduler(() => this.render());
  private themeChanged = false;
  private lastRendered = '';

  constructor(private readonly root: HTMLElement, private readonly store: Store, private readonly host: AppHost) {
    const context: ViewContext = { store, host, openTensor: (name) => store.setUi({ selectedTensor: name, tab: 'tensor' }) };
    this.header = new Header(store, host);
    this.views = new Map(INSPECTOR_TABS.map((tab) => [tab, TABS[tab].create(context)]));
    store.subscribe(() => this.schedule());
    watchTheme(() => {
      this.themeChanged = true;
      this.schedule();
    });
  }

  private mount(runnable: boolean): void {
    const tabs = el('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } });
    this.tabs = INSPECTOR_TABS.filter((t) => runnable || !TABS[t].runsModel);
    for (const tab of this.tabs) {
      const button = el('button', {
        class: 'tab', text: TABS[tab].title,
        attrs: { type: 'button', role: 'tab', id: `tab-${tab}`, 'aria-controls': `panel-${tab}` },
        on: { click: () => this.store.setUi({ tab }), keydown: (e) => this.onTabKey(e, tab) },
      });
      this.tabButtons.set(tab, button);
      tabs.append(button);
      const view = this.views.get(tab);
      this.panels.set(tab, el('section', { class: 'tab-panel', attrs: { role: 'tabpanel', id: `panel-${tab}`, 'aria-labelledby': `tab-${tab}` } }, [view?.root]));
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
      this.postRendered(emptyRendered(ui.tab, null));
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
    for (const t of this.tabs) {
      const view = this.views.get(t);
      if (t === tab || TABS[t].updateWhileHidden) view?.update(force);
      else view?.release?.();
    }
    // Charts are created in microtasks queued by the views: count them after those ran.
    queueMicrotask(() => {
      const shown = this.views.get(tab);
      const reports = this.tabs.map((t) => this.views.get(t)?.report?.(t === tab) ?? {});
      const analysisError = analysis.status === 'failed' ? analysis.error?.message ?? null : null;
      this.postRendered(withReports({ ...emptyRendered(tab, ui.selectedTensor), chartsDrawn: shown?.chartsDrawn?.() ?? 0, analysisError }, reports));
    });
  }

  private postRendered(view: RenderedView): void {
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
