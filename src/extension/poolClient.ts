import * as vscode from 'vscode';
import { AnalysisPool } from '../worker/pool';
import { workerThreads } from './settings';

/** The extension's one worker pool, started on first use and ended with the extension. */
export class PoolClient implements vscode.Disposable {
  private pool: AnalysisPool | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  get(): AnalysisPool {
    if (!this.pool) {
      const workerScript = vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath;
      const threads = workerThreads();
      this.pool = new AnalysisPool(threads === undefined ? { workerScript } : { workerScript, threads });
    }
    return this.pool;
  }

  dispose(): void {
    void this.pool?.dispose();
    this.pool = undefined;
  }
}
