import * as assert from 'node:assert/strict';
import type { FileSet } from '../../fuzz/fileSet';
import { Sandbox } from '../../fuzz/sandbox';

/** An input of the `spin` kind: `length` bytes (its outcome says how many), hanging when `hangs`, else busy for `busyMs`. */
function input(length: number, hangs = false, busyMs = 0): FileSet {
  const bytes = new Uint8Array(Math.max(2, length));
  bytes[0] = hangs ? 1 : busyMs > 0 ? 2 : 0;
  bytes[1] = busyMs;
  return [{ name: 'x', bytes: bytes.subarray(0, length) }];
}

/** What each outcome says: the input's length when it ended, else its kind. */
function summary(outcomes: readonly { kind: string; tensors?: number }[]): string[] {
  return outcomes.map((o) => (o.kind === 'opened' ? String(o.tensors) : o.kind));
}

describe('fuzz sandbox: batches with a watchdog per input', function () {
  // Each hang waits for its watchdog (stretched by the machine's load) and the worker's stack.
  this.timeout(120_000);
  /** Short, so the test is quick: the watchdog's mechanism is the same at 2 s. */
  const TIMEOUT_MS = 100;
  const sandbox = new Sandbox(TIMEOUT_MS);
  after(() => sandbox.close());

  it('answers every input of a batch, in order', async () => {
    assert.deepEqual(summary(await sandbox.runBatch('spin', [input(3), input(1), input(4), input(1), input(5)])), ['3', '1', '4', '1', '5']);
  });

  it('a hang ends its own input only: the inputs after it run in a new worker', async () => {
    const outcomes = await sandbox.runBatch('spin', [input(2), input(7), input(1, true), input(8), input(2, true), input(8)]);
    assert.deepEqual(summary(outcomes), ['2', '7', 'hang', '8', 'hang', '8']);
    // The stack of where it hung: the spinning function of the harness.
    assert.match(outcomes[2]!.kind === 'hang' ? outcomes[2]!.frames.join(' ') : '', /spin/);
  });

  it('each input gets the whole timeout, not a share of its batch', async () => {
    // Twenty inputs, each within the timeout, together twelve times beyond it.
    const inputs = Array.from({ length: 20 }, (_, i) => input(i + 2, false, (TIMEOUT_MS * 6) / 10));
    assert.deepEqual(summary(await sandbox.runBatch('spin', inputs)), inputs.map((_, i) => String(i + 2)));
  });
});
