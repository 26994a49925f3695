import * as vscode from 'vscode';
import { AnalysisPool } from '../worker/host/pool';
import { workerThreads } from './settings';

/**
 * The extension's one worker pool, started on first use and ended with the extension. A change of
 * `quantlens.workerThreads` replaces it at the next request once it is idle (running work keeps its threads).
 */
export class PoolClient implements vscode.Disposable {
  private pool: AnalysisPool | undefined;
  private stale = false;
  private readonly watcher: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.watcher = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('quantlens.workerThreads')) this.stale = true;
    });
  }

  get(): AnalysisPool {
    if (this.pool && this.stale && this.pool.activeRequests === 0) {
      void this.pool.dispose();
      this.pool = undefined;
    }
    if (!this.pool) {
      const workerScript = vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath;
      const threads = workerThreads();
      this.pool = new AnalysisPool(threads === undefined ? { workerScript } : { workerScript, threads });
      this.stale = false;
    }
    return this.pool;
  }

  dispose(): void {
    this.watcher.dispose();
    void this.pool?.dispose();
    this.pool = undefined;
  }
}
