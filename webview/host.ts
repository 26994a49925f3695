import type { HostToWebview, WebviewToHost } from '../src/shared/webviewProtocol';
import { createPanelHost, type PanelHost } from './panelHost';
import type { UiState } from './store';

/** Where the inspector gets its data and sends its intents: a VS Code panel, or a saved report. */
export type AppHost = PanelHost<HostToWebview, WebviewToHost, UiState>;

export function createHost(): AppHost {
  return createPanelHost<HostToWebview, WebviewToHost, UiState>({ type: 'ready' });
}
