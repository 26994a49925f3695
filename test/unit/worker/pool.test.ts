import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { assertSame } from '../wasm/sameResult';
import { CancelledError, FormatError, UsageError } from '../../../src/core/errors';
import { openModel } from '../../../src/core/formats';
import type { AnalysisOptions, AnalysisProgress, Scheme, TensorResult } from '../../../src/shared/analysisTypes';
import { WorkerCrashedError } from '../../../src/worker/errors';
import { AnalysisPool } from '../../../src/worker/host/pool';
import { buildBundlesOnce } from './bundles';
import { f32Tensor, noise, writeSafetensors } from './fixtures';

const int = (bits: number, mode: 'symmetric' | 'asymmetric', granularity: 'tensor' | 'channel' = 'tensor'): Scheme => ({
  kind: 'int', bits, mode, granularity, groupSize: null, axis: 0, range: 'minmax', convention: 'lecture',
});
const OPTIONS: AnalysisOptions = { schemes: [int(8, 'symmetric'), int(4, 'asymmetric'), int(4, 'symmetric', 'channel')], histogramBins: 16 };

/** Many schemes over a 2M-element tensor: long enough to cancel in the middle. */
const SLOW_OPTIONS: AnalysisOptions = {
  schemes: [8, 7, 6, 5, 4, 3, 2].flatMap((b) => [int(b, 'symmetric'), int(b, 'asymmetric'), int(b, 'symmetric', 'channel')]),
  histogramBins: 64,
};

describe('worker pool', function () {
  this.timeout(60_000);
  let workerDir = '';
  let small = '';
  let big = '';
  let pools: AnalysisPool[] = [];

  const newPool = (threads: number, workerScript = path.join(workerDir, 'worker.js')): AnalysisPool => {
    const pool = new AnalysisPool({ workerScript, threads });
    pools.push(pool);
    return pool;
  };

  before(async () => {
    workerDir = await buildBundlesOnce();
    small = await writeSafetensors('small.safetensors', [
      f32Tensor('a.weight', [64, 48], noise(64 * 48, 1)),
      { name: 'steps', dtype: 'I64', shape: [1], bytes: new Uint8Array(8) },
      f32Tensor('a.bias', [64], noise(64, 2)),
      f32Tensor('b.weight', [32, 64], noise(32 * 64, 3, 0.2)),
      f32Tensor('empty', [0, 4], new Float32Array(0)),
    ]);
    big = await writeSafetensors('big.safetensors', [f32Tensor('huge', [1024, 2048], noise(1024 * 2048, 4))]);
  });

  afterEach(async () => {
    await Promise.all(pools.map((p) => p.dispose()));
    pools = [];
  });

  it('inspects a model (headers only)', async () => {
    const summary = await newPool(1).inspect([small]);
    assert.equal(summary.format, 'safetensors');
    assert.deepEqual(summary.tensors.map((t) => t.name), ['a.weight', 'steps', 'a.bias', 'b.weight', 'empty']);
  });

  it('gives the results of analyzeTensor in-process, in file order, with skipped tensors', async () => {
    const seen: string[] = [];
    const progress: AnalysisProgress[] = [];
    const report = await newPool(2).analyze([small], OPTIONS, { onTensor: (r) => seen.push(r.name), onProgress: (p) => progress.push(p) });
    assert.deepEqual(report.tensors.map((t) => t.name), ['a.weight', 'a.bias', 'b.weight']);
    assert.deepEqual(report.skipped, [
      { name: 'steps', dtype: 'I64', reason: 'integer tensor' },
      { name: 'empty', dtype: 'F32', reason: 'no elements' },
    ]);
    assert.deepEqual([...seen].sort(), ['a.bias', 'a.weight', 'b.weight']);
    const last = progress[progress.length - 1]!;
    assert.deepEqual(last, { tensorsDone: 3, tensorsTotal: 3, elementsDone: 64 * 48 + 64 + 32 * 64, elementsTotal: 64 * 48 + 64 + 32 * 64 });

    const model = await openModel([small]);
    try {
      for (const t of report.tensors) {
        const expected: TensorResult = await analyzeTensor(model.tensors.find((e) => e.name === t.name)!, OPTIONS);
        // The workers run the SIMD kernels: float sums may differ from the reference in the last bits.
        assertSame(t, expected);
      }
    } finally {
      await model.close();
    }
  });

  it('analyses only the tensors whose names match --tensors', async () => {
    const report = await newPool(1).analyze([small], { ...OPTIONS, tensors: '^a\\.' }, {});
    assert.deepEqual(report.tensors.map((t) => t.name), ['a.weight', 'a.bias']);
    await assert.rejects(newPool(1).analyze([small], { ...OPTIONS, tensors: 'nothing' }, {}), UsageError);
  });

  it('computes per-channel ranges in a worker', async () => {
    const values = noise(32 * 64, 3, 0.2);
    const rows = Array.from({ length: 32 }, (_, c) => Array.from(values.subarray(c * 64, (c + 1) * 64)));
    const stats = await newPool(1).blockStats([small], { tensor: 'b.weight', granularity: 'channel', groupSize: null });
    assert.equal(stats.blocks, 32);
    assert.deepEqual(stats.absMax, rows.map((r) => Math.max(...r.map(Math.abs))));
    assert.deepEqual(stats.span, rows.map((r) => Math.max(...r) - Math.min(...r)));
  });

  it('refuses block ranges of a missing tensor or a vector with a one-line error', async () => {
    const pool = newPool(1);
    await assert.rejects(pool.blockStats([small], { tensor: 'b.weigth', granularity: 'channel', groupSize: null }), /closest: b\.weight/);
    await assert.rejects(pool.blockStats([small], { tensor: 'a.bias', granularity: 'group', groupSize: 8 }), (e: unknown) => e instanceof UsageError && /rank 2/.test(e.message));
  });

  it('stops a block-range pass when its signal fires, leaving the thread to its other work', async () => {
    const pool = newPool(1);
    const abort = new AbortController();
    const pass = pool.blockStats([big], { tensor: 'huge', granularity: 'group', groupSize: 32 }, abort.signal);
    abort.abort();
    await assert.rejects(pass, CancelledError);
    assert.equal((await pool.blockStats([small], { tensor: 'a.weight', granularity: 'channel', groupSize: null })).blocks, 64);
    assert.equal(pool.activeRequests, 0);
  });

  it('reports a bad file as a FormatError with its format and offset', async () => {
    const bad = path.join(path.dirname(small), 'bad.safetensors');
    await fs.writeFile(bad, Uint8Array.of(200, 0, 0, 0, 0, 0, 0, 0, 0x7b));
    await assert.rejects(newPool(1).analyze([bad], OPTIONS, {}), (e: unknown) => {
      assert.ok(e instanceof FormatError, String(e));
      assert.equal(e.format, 'safetensors');
      return true;
    });
  });

  it('stops a cancelled run: rejects with CancelledError and leaves no work on the threads', async () => {
    const pool = newPool(2);
    const stop = new AbortController();
    const run = pool.analyze([big], SLOW_OPTIONS, { onProgress: (p) => { if (p.elementsDone > 0) stop.abort(); } }, stop.signal);
    await assert.rejects(run, CancelledError);
    assert.equal(pool.activeRequests, 0);
    const after = await pool.analyze([small], OPTIONS, {});
    assert.equal(after.tensors.length, 3);
  });

  it('stops a run cancelled before its threads answer (while they start and read headers)', async () => {
    const silent = path.join(workerDir, 'silentWorker.js');
    await fs.writeFile(silent, "require('node:worker_threads').parentPort.on('message', () => undefined);\n");
    const stop = new AbortController();
    const run = newPool(1, silent).analyze([small], OPTIONS, {}, stop.signal);
    setTimeout(() => stop.abort(), 20);
    await assert.rejects(run, CancelledError);
  });

  it('rejects at once when the signal has already fired', async () => {
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(newPool(1).analyze([small], OPTIONS, {}, stop.signal), CancelledError);
  });

  it('fails the requests of a thread that dies, and serves the next request on a fresh thread', async () => {
    const crashing = path.join(workerDir, 'crashingWorker.js');
    await fs.writeFile(crashing, [
      "const { parentPort } = require('node:worker_threads');",
      "parentPort.on('message', (m) => { if (m.kind === 'request' && m.method === 'analyzeTensor' && m.params.tensor === 'crash.me') process.exit(3); });",
      "require('./worker.js');",
    ].join('\n'));
    const file = await writeSafetensors('crash.safetensors', [f32Tensor('crash.me', [4], noise(4, 5)), f32Tensor('fine', [4], noise(4, 6))]);
    const pool = newPool(1, crashing);
    await assert.rejects(pool.analyze([file], OPTIONS, {}), (e: unknown) => {
      assert.ok(e instanceof WorkerCrashedError, String(e));
      assert.match(e.message, /exit code 3.*crash\.me/);
      return true;
    });
    const report = await pool.analyze([file], { ...OPTIONS, tensors: '^fine$' }, {});
    assert.deepEqual(report.tensors.map((t) => t.name), ['fine']);
  });

  it('fails pending and later requests once disposed', async () => {
    const pool = newPool(1);
    const pending = pool.analyze([big], SLOW_OPTIONS, {});
    const failed = assert.rejects(pending, WorkerCrashedError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.dispose();
    await failed;
    await assert.rejects(pool.inspect([small]), WorkerCrashedError);
  });
});
