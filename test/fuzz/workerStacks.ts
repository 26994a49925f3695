import { Session } from 'node:inspector';
import type { Worker } from 'node:worker_threads';

/** Frames of the project's own code, innermost first, as `function file` (no line numbers: they move with every edit). */
export function projectFrames(frames: readonly { readonly functionName: string; readonly file: string }[]): string[] {
  return frames
    .filter((f) => /\/(src|test\/fuzz)\//.test(f.file))
    .map((f) => `${f.functionName || '<anonymous>'} ${f.file.replace(/^.*\/(src|test\/fuzz)\//, '$1/')}`)
    .slice(0, 6);
}

interface PausedFrame {
  readonly functionName: string;
  readonly location: { readonly scriptId: string };
}

/**
 * Where a busy worker thread is, read through the inspector: the main thread's session attaches
 * to every worker (NodeWorker domain) and Debugger.pause interrupts even a synchronous loop,
 * so a hang is reported with its stack, not just as "no answer".
 */
class WorkerStacks {
  private readonly session = new Session();
  /** Inspector session of each worker, by thread id. */
  private readonly sessions = new Map<number, string>();
  private readonly waiting = new Map<string, (frames: PausedFrame[]) => void>();
  /** Script URLs by worker session and script id: paused frames name scripts by id only. */
  private readonly scripts = new Map<string, Map<string, string>>();
  private nextId = 1;

  constructor() {
    this.session.connect();
    this.session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string; workerInfo: { workerId: string } } }) => {
      this.sessions.set(Number(m.params.workerInfo.workerId), m.params.sessionId);
    });
    this.session.on('NodeWorker.detachedFromWorker', (m: { params: { sessionId: string } }) => {
      for (const [thread, id] of this.sessions) if (id === m.params.sessionId) this.sessions.delete(thread);
      this.scripts.delete(m.params.sessionId);
    });
    this.session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { sessionId: string; message: string } }) => {
      const message = JSON.parse(m.params.message) as { method?: string; params?: { callFrames: PausedFrame[]; scriptId: string; url: string } };
      const { sessionId } = m.params;
      if (message.method === 'Debugger.scriptParsed') this.scriptsOf(sessionId).set(message.params!.scriptId, message.params!.url);
      if (message.method === 'Debugger.paused') this.waiting.get(sessionId)?.(message.params!.callFrames);
    });
    this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  }

  private scriptsOf(sessionId: string): Map<string, string> {
    let urls = this.scripts.get(sessionId);
    if (!urls) {
      urls = new Map();
      this.scripts.set(sessionId, urls);
    }
    return urls;
  }

  /** The worker's project frames at a pause, or [] when it cannot be paused within `timeoutMs`. */
  stackOf(worker: Worker, timeoutMs: number): Promise<string[]> {
    const sessionId = this.sessions.get(worker.threadId);
    if (sessionId === undefined) return Promise.resolve([]);
    return new Promise<string[]>((resolve) => {
      const done = (frames: PausedFrame[]) => {
        clearTimeout(timer);
        this.waiting.delete(sessionId);
        // A paused worker cannot be terminated: let it run again first.
        this.send(sessionId, 'Debugger.resume');
        const urls = this.scriptsOf(sessionId);
        resolve(projectFrames(frames.map((f) => ({ functionName: f.functionName, file: urls.get(f.location.scriptId) ?? '' }))));
      };
      const timer = setTimeout(() => done([]), timeoutMs);
      this.waiting.set(sessionId, done);
      this.send(sessionId, 'Debugger.enable');
      this.send(sessionId, 'Debugger.pause');
    });
  }

  private send(sessionId: string, method: string): void {
    this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: this.nextId++, method }) });
  }
}

let shared: WorkerStacks | undefined;

/** One inspector session serves every sandbox of the process. */
export function workerStacks(): WorkerStacks {
  shared ??= new WorkerStacks();
  return shared;
}
