import type { CompareViewToHost, HostToCompareView } from '../src/shared/comparePanelProtocol';
import { REPORT_DATA_ID } from '../src/shared/reportData';

/** What the Compare view keeps across a reload of its webview (VS Code's getState). */
export interface CompareUi {
  readonly sort: { readonly column: string; readonly descending: boolean };
  readonly filter: string;
  readonly selected: string | null;
  readonly logScale: boolean;
}

/** Where the Compare app gets its data and sends its intents: a VS Code panel, or a saved HTML export. */
export interface CompareAppHost {
  readonly interactive: boolean;
  post(message: CompareViewToHost): void;
  loadUi(): Partial<CompareUi> | undefined;
  saveUi(state: CompareUi): void;
  connect(handler: (message: HostToCompareView) => void): void;
}

interface VsCodeApi {
  postMessage(message: CompareViewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export function createCompareHost(): CompareAppHost {
  const data = document.getElementById(REPORT_DATA_ID);
  if (data) {
    // A saved export replays the messages the panel received; it computes nothing.
    const messages = JSON.parse(data.textContent ?? '[]') as HostToCompareView[];
    return { interactive: false, post: () => undefined, loadUi: () => undefined, saveUi: () => undefined, connect: (handler) => messages.forEach(handler) };
  }
  const api = acquireVsCodeApi();
  return {
    interactive: true,
    post: (m) => api.postMessage(m),
    loadUi: () => (api.getState() as Partial<CompareUi> | undefined) ?? undefined,
    saveUi: (s) => api.setState(s),
    connect(handler) {
      window.addEventListener('message', (e: MessageEvent<HostToCompareView>) => handler(e.data));
      api.postMessage({ type: 'ready' });
    },
  };
}
