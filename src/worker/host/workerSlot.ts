import { Worker } from 'node:worker_threads';
import { assertNever } from '../../shared/assertNever';
import type { HostToWorker, MethodParams, MethodResult, WorkerMethod, WorkerToHost } from '../../shared/workerProtocol';
import { deserializeError, WorkerCrashedError } from '../errors';
import type { WorkerStart } from '../workerStart';

interface Pending {
  readonly what: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?(elementsDone: number): void;
}

/** A request in flight on one worker. */
export interface Call<T> {
  readonly id: number;
  readonly result: Promise<T>;
}

/**
 * One worker thread and its requests in flight. When the thread dies (uncaught error, exit,
 * terminate) every pending request fails with WorkerCrashedError and `onDeath` tells the pool.
 */
export class WorkerSlot {
  /** Running an analyzeTensor: the pool gives each thread one heavy request at a time. */
  heavy = false;
  private alive = true;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  private lastError: Error | null = null;

  constructor(workerScript: string, start: WorkerStart, private readonly onDeath: (slot: WorkerSlot) => void) {
    this.worker = new Worker(workerScript, { workerData: start });
    this.worker.on('message', (m: WorkerToHost) => this.receive(m));
    this.worker.on('error', (e: Error) => { this.lastError = e; });
    this.worker.on('exit', (code: number) => this.die(code));
  }

  get isAlive(): boolean {
    return this.alive;
  }

  get load(): number {
    return this.pending.size;
  }

  call<M extends WorkerMethod>(method: M, params: MethodParams<M>, onProgress?: (elementsDone: number) => void): Call<MethodResult<M>> {
    const id = this.nextId++;
    const what = describeCall(method, params);
    const result = new Promise<MethodResult<M>>((resolve, reject) => {
      if (!this.alive) {
        reject(new WorkerCrashedError(`worker thread gone before ${what}`));
        return;
      }
      // The worker answers `method` with MethodResult<M>; structured clone erases the type.
      this.pending.set(id, { what, resolve: (v) => resolve(v as MethodResult<M>), reject, onProgress });
      // TypeScript cannot correlate a generic M with its union member; method and params match by construction.
      this.post({ kind: 'request', id, method, params } as HostToWorker);
    });
    return { id, result };
  }

  cancel(id: number): void {
    if (this.alive && this.pending.has(id)) this.post({ kind: 'cancel', id });
  }

  /** Stops the thread now; pending requests fail with `reason`. */
  async terminate(reason: Error): Promise<void> {
    if (this.alive) {
      this.alive = false;
      this.failAll(() => reason);
      this.onDeath(this);
    }
    await this.worker.terminate();
  }

  private post(message: HostToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: WorkerToHost): void {
    const p = this.pending.get(message.id);
    if (!p) return;
    switch (message.kind) {
      case 'progress':
        p.onProgress?.(message.elementsDone);
        return;
      case 'result':
        this.pending.delete(message.id);
        p.resolve(message.value);
        return;
      case 'error':
        this.pending.delete(message.id);
        p.reject(deserializeError(message.error));
        return;
      default:
        assertNever(message, 'message from worker');
    }
  }

  private die(code: number): void {
    if (!this.alive) return;
    this.alive = false;
    const cause = this.lastError ? `: ${this.lastError.message}` : '';
    this.failAll((what) => new WorkerCrashedError(`worker thread died (exit code ${code}${cause}) during ${what}`));
    this.onDeath(this);
  }

  private failAll(error: (what: string) => Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error(p.what));
  }
}

/** A request as a crash message names it: the method, and the tensor it works on. */
function describeCall<M extends WorkerMethod>(method: M, params: MethodParams<M>): string {
  if ('tensor' in params) return `${method} '${params.tensor}'`;
  if ('request' in params) return `${method} '${params.request.tensor}'`;
  return method;
}
