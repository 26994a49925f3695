import type { CalibRendered } from '../src/shared/calibPanelProtocol';
import type { PlanRendered } from '../src/shared/planPanelProtocol';
import type { RenderedView } from '../src/shared/webviewProtocol';
import type { AppHost } from './host';
import type { Store } from './store';

/** What a view reports to the host about what it shows; fields it leaves out keep their empty values. */
export interface ViewReport {
  readonly tensorsListed?: number;
  readonly resultRows?: number;
  readonly tensorView?: RenderedView['tensorView'];
  readonly calib?: Partial<CalibRendered>;
  readonly plan?: PlanRendered;
}

/**
 * One tab's content. After each change the app calls update() on the shown tab (and on tabs that
 * update while hidden) and release() on the others, once per frame.
 */
export interface View {
  readonly root: HTMLElement;
  /** Redraws what changed since the last call; `force` redraws the charts too (the theme changed). */
  update(force: boolean): void;
  /** The tab is hidden: free its charts; the next update() redraws them. Views without charts leave it out. */
  release?(): void;
  /** Charts drawn now (reported to the host, which tests wait on); none if left out. */
  chartsDrawn?(): number;
  /** This view's part of the report to the host; `shown`: its tab is the visible one. */
  report?(shown: boolean): ViewReport;
}

/** What every view is built from. */
export interface ViewContext {
  readonly store: Store;
  readonly host: AppHost;
  /** Shows a tensor in the Tensor tab. */
  openTensor(name: string): void;
}
