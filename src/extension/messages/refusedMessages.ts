import * as vscode from 'vscode';

/** Refusals kept for the API's test hook: enough for a test's burst, bounded for a hostile stream. */
const MAX_KEPT = 200;

/** Where refused webview messages go: one line each in the QuantLens output channel. */
export class RefusedMessages implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('QuantLens');
  private readonly kept: string[] = [];

  report(source: string, problem: string): void {
    const line = `refused a message from ${source}: ${problem}`;
    this.channel.appendLine(line);
    this.kept.push(line);
    if (this.kept.length > MAX_KEPT) this.kept.shift();
  }

  /** The latest refusals, oldest first. */
  recent(): readonly string[] {
    return [...this.kept];
  }

  dispose(): void {
    this.channel.dispose();
  }
}
