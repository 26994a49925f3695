/**
 * Worker thread entry (dist/worker.js): answers the pool's requests with HANDLERS. Requests run
 * concurrently; a long analysis yields between chunks, so cancel messages and small requests get in.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useKernelModule } from '../../core/analysis/engine/wasmKernels';
import { assertNever } from '../../shared/assertNever';
import type { HostToWorker, MethodParams, MethodResult, WorkerMethod, WorkerRequest, WorkerToHost } from '../../shared/workerProtocol';
import { serializeError } from '../errors';
import { HANDLERS, type HandlerContext } from './handlers';
import { ModelCache } from './modelCache';
import type { WorkerStart } from '../workerStart';

/** Progress messages per request at most this often: a chunk can take well under a millisecond. */
const PROGRESS_INTERVAL_MS = 50;

const port = parentPort;
if (!port) throw new Error('worker.js must run as a worker thread');

// A pool's threads get the kernels it compiled; a thread started otherwise compiles its own on first use.
const start = workerData as WorkerStart | null | undefined;
if (start) useKernelModule(start.kernels);

const models = new ModelCache();
const running = new Map<number, AbortController>();

function post(message: WorkerToHost): void {
  port!.postMessage(message);
}

function dispatch<M extends WorkerMethod>(method: M, params: MethodParams<M>, ctx: HandlerContext): Promise<MethodResult<M>> {
  const handler: (p: MethodParams<M>, c: HandlerContext) => Promise<MethodResult<M>> = HANDLERS[method];
  return handler(params, ctx);
}

async function serve(request: WorkerRequest): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  let lastProgress = 0;
  const onElements = (elementsDone: number): void => {
    const now = Date.now();
    if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    post({ kind: 'progress', id: request.id, elementsDone });
  };
  try {
    const value = await dispatch(request.method, request.params, { models, signal: controller.signal, onElements });
    post({ kind: 'result', id: request.id, value });
  } catch (e) {
    post({ kind: 'error', id: request.id, error: controller.signal.aborted ? { kind: 'cancelled' } : serializeError(e) });
  } finally {
    running.delete(request.id);
  }
}

port.on('message', (message: HostToWorker) => {
  switch (message.kind) {
    case 'request':
      void serve(message);
      return;
    case 'cancel':
      running.get(message.id)?.abort();
      return;
    default:
      assertNever(message, 'message from host');
  }
});
