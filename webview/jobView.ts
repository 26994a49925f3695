import { ChartSet } from './charts';
import { el } from './dom';
import type { AppHost } from './host';
import type { Store } from './store';
import type { View, ViewContext } from './view';

/**
 * The scaffolding of a tab that runs a job on the model (Calibration, PTQ): a toolbar that starts
 * it and a body with its report and charts, each redrawn only when what it shows changed.
 */
export abstract class JobView implements View {
  readonly root: HTMLElement;
  protected readonly toolbar = el('div', { class: 'toolbar' });
  protected readonly body: HTMLElement;
  protected readonly charts = new ChartSet();
  protected readonly store: Store;
  protected readonly host: AppHost;
  private toolbarKey = '';
  private bodyKey = '';

  /** `name`: the root's class; the body's is `${name}-body`. */
  constructor(name: string, { store, host }: ViewContext) {
    this.store = store;
    this.host = host;
    this.body = el('div', { class: `${name}-body` });
    this.root = el('div', { class: name }, [this.toolbar, this.body]);
  }

  chartsDrawn(): number {
    return this.charts.count();
  }

  release(): void {
    this.charts.destroyAll();
    this.bodyKey = '';
  }

  update(force: boolean): void {
    const toolbarKey = JSON.stringify(this.toolbarInputs());
    if (force || toolbarKey !== this.toolbarKey) {
      this.toolbarKey = toolbarKey;
      this.renderToolbar();
    }
    const bodyKey = JSON.stringify(this.bodyInputs());
    if (!force && bodyKey === this.bodyKey) return;
    this.bodyKey = bodyKey;
    this.charts.destroyAll();
    this.renderBody();
  }

  /** What the toolbar is drawn from: it redraws when this changes. */
  protected abstract toolbarInputs(): unknown;
  /** What the body is drawn from: it redraws when this changes. */
  protected abstract bodyInputs(): unknown;
  protected abstract renderToolbar(): void;
  protected abstract renderBody(): void;
}
