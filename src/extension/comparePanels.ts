import * as vscode from 'vscode';
import type { ComparePanel, ComparePanelTracker } from './comparePanel';

/** Open Compare panels and which one commands act on (the last one focused). */
export class ComparePanels implements ComparePanelTracker, vscode.Disposable {
  private readonly panels = new Set<ComparePanel>();
  private lastActive: ComparePanel | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a panel opens, closes, gets focus, or its run or view changes. */
  readonly onDidChange = this.changed.event;

  add(panel: ComparePanel): void {
    this.panels.add(panel);
    this.lastActive = panel;
    this.notify();
  }

  remove(panel: ComparePanel): void {
    this.panels.delete(panel);
    if (this.lastActive === panel) this.lastActive = [...this.panels].pop();
    this.notify();
  }

  focus(panel: ComparePanel): void {
    this.lastActive = panel;
    this.notify();
  }

  active(): ComparePanel | undefined {
    return this.lastActive;
  }

  all(): ComparePanel[] {
    return [...this.panels];
  }

  notify(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
