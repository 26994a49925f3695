import { parentPort, workerData } from 'node:worker_threads';
import { execute } from './execute';
import { threadCpuMs } from './threadCpu';
import { Progress, type Batch, type WorkerData, type WorkerMessage } from './sandboxProtocol';

// The worker thread of a Sandbox: runs the inputs of each batch one after another, saying which one it is on, and posts each outcome.
const port = parentPort!;
const progress = new Progress((workerData as WorkerData).progress);
const post = (message: WorkerMessage) => port.postMessage(message);
port.on('message', (batch: Batch) => {
  void (async () => {
    for (let index = 0; index < batch.inputs.length; index++) {
      progress.start(batch.id, index);
      post({ kind: 'result', batch: batch.id, index, outcome: await execute(batch.kind, batch.inputs[index]!) });
    }
    progress.start(batch.id, -1);
    post({ kind: 'cpu', cpuMs: threadCpuMs() });
  })();
});
post({ kind: 'ready', cpuMs: threadCpuMs() });
