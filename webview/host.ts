import type { HostToWebview, WebviewToHost } from '../src/shared/webviewProtocol';
import { REPORT_DATA_ID } from '../src/shared/reportData';
import type { UiState } from './store';

/** Where the app gets its data and sends its intents: a VS Code panel, or a saved report. */
export interface AppHost {
  readonly interactive: boolean;
  post(message: WebviewToHost): void;
  loadUi(): Partial<UiState> | undefined;
  saveUi(state: UiState): void;
  /** Starts delivering host messages to `handler`. */
  connect(handler: (message: HostToWebview) => void): void;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function vscodeHost(): AppHost {
  const api = acquireVsCodeApi();
  return {
    interactive: true,
    post: (m) => api.postMessage(m),
    loadUi: () => (api.getState() as Partial<UiState> | undefined) ?? undefined,
    saveUi: (s) => api.setState(s),
    connect(handler) {
      window.addEventListener('message', (e: MessageEvent<HostToWebview>) => handler(e.data));
      api.postMessage({ type: 'ready' });
    },
  };
}

/** A saved report replays the messages a panel received; it cannot analyse again. */
function reportHost(data: HTMLElement): AppHost {
  const messages = JSON.parse(data.textContent ?? '[]') as HostToWebview[];
  return {
    interactive: false,
    post: () => undefined,
    loadUi: () => undefined,
    saveUi: () => undefined,
    connect(handler) {
      for (const m of messages) handler(m);
    },
  };
}

export function createHost(): AppHost {
  const data = document.getElementById(REPORT_DATA_ID);
  return data ? reportHost(data) : vscodeHost();
}
