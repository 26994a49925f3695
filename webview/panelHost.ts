import { REPORT_DATA_ID } from '../src/shared/reportData';

/** Where a panel app gets its data and sends its intents: a VS Code panel, or a saved HTML report. */
export interface PanelHost<In, Out, Ui> {
  readonly interactive: boolean;
  post(message: Out): void;
  loadUi(): Partial<Ui> | undefined;
  saveUi(state: Ui): void;
  /** Starts delivering host messages to `handler` (a panel then says it is ready). */
  connect(handler: (message: In) => void): void;
}

interface VsCodeApi<Out> {
  postMessage(message: Out): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi<Out>(): VsCodeApi<Out>;

function vscodeHost<In, Out, Ui>(ready: Out): PanelHost<In, Out, Ui> {
  const api = acquireVsCodeApi<Out>();
  return {
    interactive: true,
    post: (m) => api.postMessage(m),
    loadUi: () => (api.getState() as Partial<Ui> | undefined) ?? undefined,
    saveUi: (s) => api.setState(s),
    connect(handler) {
      window.addEventListener('message', (e: MessageEvent<In>) => handler(e.data));
      api.postMessage(ready);
    },
  };
}

/** A saved report replays the messages a panel received; it computes nothing. */
function reportHost<In, Out, Ui>(data: HTMLElement): PanelHost<In, Out, Ui> {
  const messages = JSON.parse(data.textContent ?? '[]') as In[];
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

/** The report's host when the page embeds replay data, else the VS Code panel's (which sends `ready` on connect). */
export function createPanelHost<In, Out, Ui>(ready: Out): PanelHost<In, Out, Ui> {
  const data = document.getElementById(REPORT_DATA_ID);
  return data ? reportHost(data) : vscodeHost(ready);
}
