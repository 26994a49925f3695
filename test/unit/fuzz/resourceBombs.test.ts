import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { graphAttribute, lfield, model, node, sfield } from '../onnx/encode';
import { MAX_GRAPH_DEPTH } from '../../../src/core/formats/onnx/limits';
import { MAX_MARK_DEPTH } from '../../../src/core/pickle/unpickler';
import { buildZip } from '../zip/buildZip';
import { describeOutcome, type Outcome } from '../../fuzz/outcome';
import { Sandbox } from '../../fuzz/sandbox';
import type { RunKind } from '../../fuzz/execute';
import type { FileSet } from '../../fuzz/fileSet';

/**
 * Issue 12 item 6: inputs built to exhaust time or memory. Each runs in the fuzzer's sandbox,
 * whose guard turns heap growth beyond 64 MiB + 256 x the input's size into a 'memory' outcome
 * and an input running past its watchdog into a 'hang': 'refused' (or 'opened') therefore
 * proves the memory bound, and the CPU time is asserted on top: the process's (the worker's and
 * the main thread's), not the wall-clock time, which a machine at load 30 stretched past any
 * fixed bound. A real hang still fails: the watchdog ends it as a 'hang', not 'refused'.
 */
const BOUND_CPU_MS = 10_000;

/** CPU time (user + system) of the whole process, all threads, in ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

/** An .npy v1.0 header for a little-endian float32 vector of `count` values (numpy/lib/format.py). */
function npyHeader(count: number): Buffer {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${count},), }`;
  // Magic (6) + version (2) + length (2) + dict + '\n', padded with spaces to a multiple of 64.
  dict = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const length = Buffer.alloc(2);
  length.writeUInt16LE(dict.length);
  return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), length, Buffer.from(dict, 'latin1')]);
}

describe('resource bombs: refused (or streamed) within bounded time and memory', function () {
  // The sandbox's worker compiles the readers first; a loaded machine stretches everything.
  this.timeout(180_000);
  const sandbox = new Sandbox();
  after(() => sandbox.close());

  async function run(kind: RunKind, files: FileSet): Promise<{ outcome: Outcome; cpuMs: number }> {
    await sandbox.run(kind, [{ name: 'warm.npy', bytes: npyHeader(1) }]);
    const started = processCpuMs();
    const outcome = await sandbox.runConfirmed(kind, files);
    return { outcome, cpuMs: processCpuMs() - started };
  }

  async function refused(kind: RunKind, files: FileSet, message: RegExp): Promise<void> {
    const { outcome, cpuMs } = await run(kind, files);
    assert.equal(outcome.kind, 'refused', describeOutcome(outcome));
    assert.ok(outcome.kind === 'refused' && message.test(outcome.message) && !outcome.message.includes('\n'), describeOutcome(outcome));
    assert.ok(cpuMs < BOUND_CPU_MS, `${cpuMs} ms of CPU`);
  }

  it('an .npz of 1 KB declaring a 10 GB member (ZIP64): refused at open, deflate cannot produce it', async () => {
    const count = 10 * 2 ** 30 / 4;
    const data = Buffer.concat([npyHeader(count), Buffer.alloc(900)]);
    const npz = buildZip([{ name: 'a.npy', data, deflate: true, declaredSize: 10 * 2 ** 30 }], { zip64: true });
    assert.ok(npz.length < 1024);
    await refused('reader', [{ name: 'bomb.npz', bytes: npz }], /declares 10737418240 bytes from \d+ compressed: more than deflate can produce/);
  });

  it('an .npz of 2 KB declaring 1 MB (within deflate ratio) that inflates to less: refused when read, nothing allocated up front', async () => {
    const declared = 1 << 20;
    const header = npyHeader((declared - 128) / 4);
    // Hash output does not compress: the stream holds ~2 KB and inflates to ~2 KB.
    const noise = Buffer.concat(Array.from({ length: 64 }, (_, i) => createHash('sha256').update(String(i)).digest()));
    const data = Buffer.concat([header, noise]);
    const npz = buildZip([{ name: 'a.npy', data, deflate: true, declaredSize: header.length + declared - 128 }]);
    await refused('reader', [{ name: 'short.npz', bytes: npz }], /inflates to \d+ bytes, less than the declared 1048576/);
  });

  it('an .npz of 100 KB that really inflates to 100 MB: opened and read at both ends, streamed in bounded memory', async () => {
    const count = 25 * 2 ** 20;
    const data = Buffer.concat([npyHeader(count), Buffer.alloc(count * 4)]);
    const npz = buildZip([{ name: 'a.npy', data, deflate: true }]);
    assert.ok(npz.length < 200 * 1024);
    // The guard allows 64 MiB + 256 x 100 KB, less than the 100 MB the member holds.
    const { outcome, cpuMs } = await run('reader', [{ name: 'zeros.npz', bytes: npz }]);
    assert.equal(outcome.kind, 'opened', describeOutcome(outcome));
    assert.ok(cpuMs < BOUND_CPU_MS, `${cpuMs} ms of CPU`);
  });

  it('a GGUF string array claiming 2^31 entries: refused at once', async () => {
    const key = Buffer.from('tokenizer.ggml.tokens');
    const gguf = Buffer.concat([
      Buffer.from('GGUF'), u32(3), u64(0n), u64(1n),
      u64(BigInt(key.length)), key, u32(9 /* ARRAY */), u32(8 /* STRING */), u64(2n ** 31n),
      u64(1n), Buffer.from('a'),
    ]);
    await refused('reader', [{ name: 'strings.gguf', bytes: gguf }], /cannot fit|runs past the end|over the limit/);
  });

  it(`an ONNX graph nested ${MAX_GRAPH_DEPTH + 1} levels deep (one past the limit) is refused; ${MAX_GRAPH_DEPTH} levels open`, async () => {
    const nested = (levels: number) => {
      let g: Uint8Array = sfield(2, 'g0');
      for (let i = 1; i <= levels; i++) g = Buffer.concat([lfield(1, node('If', [`y${i}`], [graphAttribute('then_branch', g)], `if${i}`)), sfield(2, `g${i}`)]);
      return model(g);
    };
    await refused('reader', [{ name: 'deep.onnx', bytes: nested(MAX_GRAPH_DEPTH + 1) }], /subgraphs nested deeper than 32 levels/);
    const { outcome } = await run('reader', [{ name: 'deep.onnx', bytes: nested(MAX_GRAPH_DEPTH) }]);
    assert.equal(outcome.kind, 'opened', describeOutcome(outcome));
  });

  it('pickles nested a million levels deep: marks refused at MAX_MARK_DEPTH, a million nested tuples walked and hashed within their depth limits', async () => {
    const levels = 1_000_000;
    await refused('pickle', [{ name: 'marks.pkl', bytes: Buffer.from(`\x80\x02${'('.repeat(levels)}.`, 'latin1') }], new RegExp(`nests deeper than ${MAX_MARK_DEPTH} marks`));
    // N then TUPLE1 a million times: (((None,),),...), one byte a level, walked by the torch tensor namer.
    const tuples = `N${'\x85'.repeat(levels)}`;
    const { outcome, cpuMs } = await run('pickle', [{ name: 'tuples.pkl', bytes: Buffer.from(`\x80\x02${tuples}.`, 'latin1') }]);
    assert.ok(outcome.kind === 'opened' || outcome.kind === 'refused', describeOutcome(outcome));
    assert.ok(cpuMs < BOUND_CPU_MS, `${cpuMs} ms of CPU`);
    // The same chain as a dict key: hashing follows MAX_KEY_DEPTH levels of it, no more.
    await refused('pickle', [{ name: 'key.pkl', bytes: Buffer.from(`\x80\x02}${tuples}Ns.`, 'latin1') }], /unhashable dict key \(key nested deeper than 32\)/);
  });
});
