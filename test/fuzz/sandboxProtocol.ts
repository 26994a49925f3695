import type { RunKind } from './execute';
import type { FileSet } from './fileSet';
import type { Outcome } from './outcome';

/** A batch of inputs for the worker, run one after another. */
export interface Batch {
  readonly id: number;
  readonly kind: RunKind;
  readonly inputs: readonly FileSet[];
}

export interface WorkerData {
  /** Where the worker says which input it is on: see Progress. */
  readonly progress: SharedArrayBuffer;
}

/**
 * What the worker posts: once `ready` when it has loaded (compiling the readers takes a while),
 * then one result per input and the CPU time its thread has used after each batch (as at ready:
 * undefined off Linux).
 */
export type WorkerMessage =
  | { readonly kind: 'ready'; readonly cpuMs: number | undefined }
  | { readonly kind: 'result'; readonly batch: number; readonly index: number; readonly outcome: Outcome }
  | { readonly kind: 'cpu'; readonly cpuMs: number | undefined };

/**
 * The input the worker is running, in memory both threads see: the watchdog reads it without a
 * message round trip, so inputs go over in batches and each still gets exactly its own timeout.
 */
export class Progress {
  static readonly BYTES = 16;
  private readonly startedMs: Float64Array;
  private readonly ids: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.startedMs = new Float64Array(buffer, 0, 1);
    this.ids = new Int32Array(buffer, 8, 2);
  }

  /** Called by the worker as it starts input `index` of batch `batch` (index -1: between batches). */
  start(batch: number, index: number): void {
    Atomics.store(this.ids, 0, -1);
    this.startedMs[0] = Date.now();
    Atomics.store(this.ids, 1, index);
    Atomics.store(this.ids, 0, batch);
  }

  /** The input being run and since when, or undefined between batches. */
  current(): { batch: number; index: number; startedMs: number } | undefined {
    const batch = Atomics.load(this.ids, 0);
    const index = Atomics.load(this.ids, 1);
    const startedMs = this.startedMs[0]!;
    return batch < 0 || index < 0 || Atomics.load(this.ids, 0) !== batch ? undefined : { batch, index, startedMs };
  }
}
