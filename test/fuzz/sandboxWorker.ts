import { parentPort, workerData } from 'node:worker_threads';
import { execute } from './execute';
import type { Job, WorkerData, WorkerMessage } from './sandbox';

// The worker thread of a Sandbox: runs one input at a time and answers with its outcome.
const port = parentPort!;
const { scratch } = workerData as WorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);
port.on('message', (job: Job) => {
  void execute(job.kind, job.files, scratch).then((outcome) => post({ kind: 'result', id: job.id, outcome }));
});
post({ kind: 'ready' });
