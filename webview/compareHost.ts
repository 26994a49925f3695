import type { CompareViewToHost, HostToCompareView } from '../src/shared/comparePanelProtocol';
import { createPanelHost, type PanelHost } from './panelHost';

/** What the Compare view keeps across a reload of its webview (VS Code's getState). */
export interface CompareUi {
  readonly sort: { readonly column: string; readonly descending: boolean };
  readonly filter: string;
  readonly selected: string | null;
  readonly logScale: boolean;
}

/** Where the Compare app gets its data and sends its intents: a VS Code panel, or a saved HTML export. */
export type CompareAppHost = PanelHost<HostToCompareView, CompareViewToHost, CompareUi>;

export function createCompareHost(): CompareAppHost {
  return createPanelHost<HostToCompareView, CompareViewToHost, CompareUi>({ type: 'ready' });
}
