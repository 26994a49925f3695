import { INSPECTOR_TABS, type InspectorTab, type PanelError, type RenderedView } from '../src/shared/webviewProtocol';
import { applyChartTheme } from './charts';
import { CompareView } from './compareView';
import { el } from './dom';
import { Header } from './header';
import type { AppHost } from './host';
import { LayersView } from './layersView';
import { OverviewView } from './overview';
import type { Store } from './store';
import { TensorView } from './tensorView';
import { watchTheme } from './theme';

const TAB_TITLES: Record<InspectorTab, string> = { overview: 'Overview', layers: 'Layers', tensor: 'Tensor', compare: 'Compare' };

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

/** The inspector: header, tab strip and the four views, redrawn once per frame after changes. */
export class App {
  private readonly header: Header;
  private readonly overview: OverviewView;
  private readonly layers: LayersView;
  private readonly tensor: TensorView;
  private readonly compare: CompareView;
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

  private mount(): void {
    const tabs = el('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } });
    const views: Record<InspectorTab, HTMLElement> = {
      overview: this.overview.root, layers: this.layers.root, tensor: this.tensor.root, compare: this.compare.root,
    };
    for (const tab of INSPECTOR_TABS) {
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
    const i = INSPECTOR_TABS.indexOf(tab);
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = INSPECTOR_TABS[(i + delta + INSPECTOR_TABS.length) % INSPECTOR_TABS.length] ?? tab;
    this.store.setUi({ tab: next });
    this.tabButtons.get(next)?.focus();
  }

  private render(): void {
    const { init, ui, analysis } = this.store;
    if (!init) return;
    this.host.saveUi(ui);
    if (!init.summary) {
      this.root.replaceChildren(errorBox(init.error ?? { message: 'The file could not be read.' }, this.host, `QuantLens cannot read ${init.fileName}`));
      this.report({ tab: ui.tab, tensorsListed: 0, resultRows: 0, selectedTensor: null, chartsDrawn: 0 });
      return;
    }
    if (!this.mounted) this.mount();
    const force = this.themeChanged;
    if (force) applyChartTheme();
    this.themeChanged = false;
    this.banner.replaceChildren(...(analysis.status === 'failed' && analysis.error ? [errorBox(analysis.error, this.host, 'The analysis failed')] : []));
    this.header.update();
    for (const [tab, button] of this.tabButtons) {
      const selected = tab === ui.tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      const panel = this.panels.get(tab);
      if (panel) panel.hidden = !selected;
    }
    // Only the visible view draws; charts of hidden views are released.
    if (ui.tab !== 'overview') this.overview.destroyCharts();
    if (ui.tab !== 'tensor') this.tensor.release();
    if (ui.tab !== 'compare') this.compare.release();
    this.layers.update();
    if (ui.tab === 'overview') this.overview.update(force);
    if (ui.tab === 'tensor') this.tensor.update(force);
    if (ui.tab === 'compare') this.compare.update(force);
    // Charts are created in microtasks queued by the views: count them after those ran.
    queueMicrotask(() => this.report({
      tab: ui.tab,
      tensorsListed: this.overview.list.count,
      resultRows: this.layers.rowsShown,
      selectedTensor: ui.selectedTensor,
      chartsDrawn: ui.tab === 'overview' ? this.overview.chartsDrawn() : ui.tab === 'tensor' ? this.tensor.chartsDrawn() : ui.tab === 'compare' ? this.compare.chartsDrawn() : 0,
    }));
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
