import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CancelledError } from '../../../src/core/errors';
import type { AnalysisOptions, AnalysisProgress, Scheme } from '../../../src/shared/analysisTypes';
import { splitPlan } from '../../../src/core/analysis/engine/tensorParts';
import { AnalysisPool } from '../../../src/worker/host/pool';
import { assertSame } from '../wasm/sameResult';
import { buildBundlesOnce } from './bundles';
import { f32Tensor, noise, writeSafetensors } from './fixtures';

const int = (bits: number, mode: 'symmetric' | 'asymmetric', extra: Partial<Scheme & { kind: 'int' }> = {}): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture', ...extra,
});
const OPTIONS: AnalysisOptions = {
  schemes: [int(8, 'symmetric'), int(4, 'asymmetric'), int(4, 'symmetric', { granularity: 'channel' }), int(4, 'symmetric', { granularity: 'group', groupSize: 64 })],
  histogramBins: 0,
  tableOnly: true,
};
/** 512 x 1024 in parts of 64 K elements: 8 parts. */
const PART = 65_536;

describe('worker pool: one large tensor split across threads', function () {
  this.timeout(60_000);
  let workerDir = '';
  let file = '';
  let pools: AnalysisPool[] = [];
  const newPool = (threads: number, partElements?: number): AnalysisPool => {
    const pool = new AnalysisPool({ workerScript: path.join(workerDir, 'worker.js'), threads, ...(partElements ? { partElements } : {}) });
    pools.push(pool);
    return pool;
  };

  before(async () => {
    workerDir = await buildBundlesOnce();
    file = await writeSafetensors('split.safetensors', [
      f32Tensor('big', [512, 1024], noise(512 * 1024, 41)),
      f32Tensor('small', [16, 64], noise(16 * 64, 42)),
    ]);
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.dispose()));
    pools = [];
  });

  it('gives the same figures on 1 and 2 threads, and those of the tensor analysed whole', async () => {
    const progress: AnalysisProgress[] = [];
    const two = await newPool(2, PART).analyze([file], OPTIONS, { onProgress: (p) => progress.push(p) });
    const one = await newPool(1, PART).analyze([file], OPTIONS, {});
    const whole = await newPool(2).analyze([file], OPTIONS, {});
    assert.deepEqual(two.tensors, one.tensors, 'merged in part order, whichever thread ran each part');
    assertSame(two.tensors, whole.tensors);
    const done = progress.map((p) => p.elementsDone);
    assert.ok(done.every((n, i) => i === 0 || n >= done[i - 1]!), 'progress never goes back');
    assert.equal(done[done.length - 1], 512 * 1024 + 16 * 64);
  });

  for (const [label, extra] of [['table figures only', { histogramBins: 0, tableOnly: true }], ['histograms and percentiles', { histogramBins: 48 }]] as const) {
    it(`named formats (and ints with them), ${label}: the same figures on 1 and 2 threads, and those of the tensor analysed whole`, async () => {
      const formats = ['q4_k', 'q8_0', 'nvfp4', 'nf4', 'fp8_e4m3', 'mxfp4', 'iq4_xs'].map((format) => ({ kind: 'format', format }) as Scheme);
      const options: AnalysisOptions = { schemes: [...formats, OPTIONS.schemes[0]!], ...extra };
      assert.ok(splitPlan({ dtype: 'F32', shape: [512, 1024], numel: 512 * 1024 }, options, PART), 'the big tensor splits');
      const progress: AnalysisProgress[] = [];
      const two = await newPool(2, PART).analyze([file], options, { onProgress: (p) => progress.push(p) });
      const one = await newPool(1, PART).analyze([file], options, {});
      const whole = await newPool(2).analyze([file], options, {});
      assert.deepEqual(two.tensors, one.tensors, 'merged in part order, whichever thread ran each part');
      assertSame(two.tensors, whole.tensors);
      assert.equal(two.tensors[0]!.results.length, formats.length + 1);
      const done = progress.map((p) => p.elementsDone);
      assert.ok(done.every((n, i) => i === 0 || n >= done[i - 1]!), 'progress never goes back');
      assert.equal(done[done.length - 1], 512 * 1024 + 16 * 64);
    });
  }

  it('stops every part on cancel and rejects with CancelledError', async () => {
    const stop = new AbortController();
    const run = newPool(2, PART).analyze([file], { ...OPTIONS, histogramBins: 64, tableOnly: false }, {
      onProgress: (p) => {
        if (p.elementsDone > 0) stop.abort();
      },
    }, stop.signal);
    await assert.rejects(run, CancelledError);
  });
});
