import * as vscode from 'vscode';
import type { InspectorPanel, PanelTracker } from './inspectorPanel';

/** Open inspector panels and which one commands act on (the last one focused). */
export class PanelRegistry implements PanelTracker, vscode.Disposable {
  private readonly panels = new Set<InspectorPanel>();
  private lastActive: InspectorPanel | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a panel opens, closes, gets focus, or its analysis or view changes. */
  readonly onDidChange = this.changed.event;

  add(panel: InspectorPanel): void {
    this.panels.add(panel);
    this.lastActive = panel;
    this.notify();
  }

  remove(panel: InspectorPanel): void {
    this.panels.delete(panel);
    if (this.lastActive === panel) this.lastActive = [...this.panels].pop();
    this.notify();
  }

  focus(panel: InspectorPanel): void {
    this.lastActive = panel;
    this.notify();
  }

  active(): InspectorPanel | undefined {
    return this.lastActive;
  }

  all(): InspectorPanel[] {
    return [...this.panels];
  }

  /** Tells listeners that data changed (a streamed result) without touching the context keys. */
  dataChanged(): void {
    this.changed.fire();
  }

  /** Keeps the `quantlens.*` context keys (menus' when-clauses) in step, then tells listeners. */
  notify(): void {
    const running = this.all().some((p) => p.document.analysis.running);
    const calibrating = this.all().some((p) => p.document.calib?.running ?? false);
    void vscode.commands.executeCommand('setContext', 'quantlens.analysisRunning', running);
    void vscode.commands.executeCommand('setContext', 'quantlens.calibrationRunning', calibrating);
    void vscode.commands.executeCommand('setContext', 'quantlens.hasReport', this.lastActive?.document.analysis.report != null);
    void vscode.commands.executeCommand('setContext', 'quantlens.hasCalibration', this.lastActive?.document.calib?.calibration.state.report != null);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
