import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCompare } from '../../../src/cli/commands/compare';
import { CancelledError, FormatError } from '../../../src/core/errors';
import { openModel } from '../../../src/core/formats';
import { toFloat32 } from '../../../src/core/dtypes/contiguous';
import { AnalysisPool } from '../../../src/worker/host/pool';
import { buildBundlesOnce } from './bundles';
import { f32Tensor, noise, writeSafetensors } from './fixtures';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const REFERENCE = path.join(FIXTURES, 'plan', 'hf-llama', 'model.safetensors');
const Q4_K_M = path.join(FIXTURES, 'compare', 'q4_k_m.gguf');
const BINS = 32;
const AUTO = { kind: 'auto' } as const;
/** A Phi-3 with fused qkv / gate_up and the same with them split (comparecli's fixtures): pairs of row slices. */
const PHI3 = path.join(FIXTURES, 'compare', 'fused', 'phi3', 'model.safetensors');
const PHI3_SPLIT = path.join(FIXTURES, 'compare', 'fused', 'split.safetensors');
const GPTQ = path.join(FIXTURES, 'storages', 'gptq.safetensors');

/** Counts of `values` in `bins` equal bins over [lo, hi], by the textbook formula (the last bin closed). */
function naiveHistogram(values: Float32Array, lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  }
  return counts;
}

describe('worker pool: compare', function () {
  this.timeout(120_000);
  let pool: AnalysisPool;

  before(async () => {
    pool = new AnalysisPool({ workerScript: path.join(await buildBundlesOnce(), 'worker.js'), threads: 1 });
  });
  after(() => pool.dispose());

  it('gives what the CLI core gives, with progress over the candidate', async () => {
    const progress: number[] = [];
    const result = await pool.compare([REFERENCE], [Q4_K_M], { kind: 'auto' }, (n) => progress.push(n), new AbortController().signal);
    assert.deepEqual(result, await runCompare(REFERENCE, Q4_K_M, { kind: 'auto' }));
    assert.ok(result.pairs.some((p) => p.transform === 'rope-permute'));
    const candidate = await pool.inspect([Q4_K_M]);
    const total = candidate.tensors.reduce((s, t) => s + t.numel, 0);
    assert.ok(progress.length > 0, 'progress reported');
    assert.ok(progress.every((n, i) => n > 0 && n <= total && (i === 0 || n >= progress[i - 1]!)), `monotonic, within ${total}`);
  });

  it('stops when its signal fires and the pool goes on', async () => {
    const stop = new AbortController();
    const run = pool.compare([REFERENCE], [Q4_K_M], { kind: 'auto' }, () => stop.abort(), stop.signal);
    await assert.rejects(run, CancelledError);
    const again = await pool.compare([REFERENCE], [Q4_K_M], { kind: 'auto' }, () => undefined, new AbortController().signal);
    assert.ok(again.pairs.length > 0);
  });

  it('refuses two files with nothing in common in one line', async () => {
    const other = await writeSafetensors('other.safetensors', [f32Tensor('unrelated.weight', [4, 4], noise(16, 9))]);
    await assert.rejects(pool.compare([REFERENCE], [other], { kind: 'auto' }, () => undefined, new AbortController().signal), (e: unknown) => e instanceof FormatError && !e.message.includes('\n') && /not the same model/.test(e.message));
  });

  it('histograms a pair: both sides over one range, the error within the measured max error', async () => {
    const result = await runCompare(REFERENCE, Q4_K_M, { kind: 'auto' });
    const permuted = result.pairs.find((p) => p.transform === 'rope-permute')!;
    const plain = result.pairs.find((p) => p.transform === 'none' && p.sqnrDb !== null)!;
    for (const pair of [permuted, plain]) {
      const h = await pool.compareHistograms([REFERENCE], [Q4_K_M], AUTO, pair, BINS, new AbortController().signal);
      const numel = pair.shape.reduce((a, b) => a * b, 1);
      assert.equal(h.reference.counts.reduce((a, b) => a + b, 0), numel);
      assert.equal(h.candidate.counts.reduce((a, b) => a + b, 0), numel);
      assert.equal(h.error.counts.reduce((a, b) => a + b, 0), numel);
      assert.deepEqual([h.reference.min, h.reference.max], [h.candidate.min, h.candidate.max]);
      // The error of the layout the compare chose: a wrong permutation would be many times larger.
      const maxErr = Math.max(-h.error.min, h.error.max);
      assert.ok(Math.abs(maxErr - pair.maxAbsErr) <= 1e-6 * Math.max(1, pair.maxAbsErr), `${pair.candidate}: ${maxErr} vs ${pair.maxAbsErr}`);
    }
    // Without a transform the counts are the textbook ones over the values as stored.
    const [ref, cand] = [await openModel([REFERENCE]), await openModel([Q4_K_M])];
    try {
      const x = toFloat32(await ref.tensors.find((t) => t.name === plain.reference)!.data.read(0, ref.tensors.find((t) => t.name === plain.reference)!.numel));
      const y = toFloat32(await cand.tensors.find((t) => t.name === plain.candidate)!.data.read(0, cand.tensors.find((t) => t.name === plain.candidate)!.numel));
      const h = await pool.compareHistograms([REFERENCE], [Q4_K_M], AUTO, plain, BINS, new AbortController().signal);
      const lo = Math.min(...x, ...y);
      const hi = Math.max(...x, ...y);
      assert.deepEqual([h.reference.min, h.reference.max], [lo, hi]);
      const near = (a: readonly number[], b: readonly number[]): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= 1);
      // float32 binning (torch.histc's) may move a value on a bin edge by one bin.
      assert.ok(near(h.reference.counts, naiveHistogram(x, lo, hi, BINS)), 'reference counts');
      assert.ok(near(h.candidate.counts, naiveHistogram(y, lo, hi, BINS)), 'candidate counts');
    } finally {
      await ref.close();
      await cand.close();
    }
  });

  it('decodes quantized storages as the CLI does (GPTQ groups stand as their float tensors)', async () => {
    const result = await pool.compare([GPTQ], [GPTQ], AUTO, () => undefined, new AbortController().signal);
    assert.deepEqual(result, await runCompare(GPTQ, GPTQ, AUTO));
    assert.ok(result.pairs.some((p) => p.candidateStorage === 'gptq'), 'a decoded pair');
  });

  it('histograms a split pair (one part of a fused tensor) over its rows only', async () => {
    const result = await runCompare(PHI3, PHI3_SPLIT, AUTO);
    const split = result.pairs.filter((p) => p.transform.startsWith('split:'));
    assert.ok(split.length >= 2, 'the fixture has split pairs');
    for (const pair of split.slice(0, 2)) {
      const h = await pool.compareHistograms([PHI3], [PHI3_SPLIT], AUTO, pair, BINS, new AbortController().signal);
      assert.equal(h.error.counts.reduce((a, b) => a + b, 0), pair.shape.reduce((a, b) => a * b, 1));
      assert.ok(Math.abs(Math.max(-h.error.min, h.error.max) - pair.maxAbsErr) <= 1e-6 * Math.max(1, pair.maxAbsErr), `${pair.reference} ${pair.transform}`);
    }
  });

  it('refuses histograms of a tensor that is not there, naming the closest', async () => {
    await assert.rejects(pool.compareHistograms([REFERENCE], [Q4_K_M], AUTO, { reference: 'model.norm.weigth', candidate: 'output_norm.weight', transform: 'none' }, BINS, new AbortController().signal), /closest: model\.norm\.weight/);
  });
});
