import * as assert from 'node:assert/strict';
import { newStatsAccumulator, STATS, statsChunk } from '../../../src/core/metrics/statsKernel';
import { regionBytes, type KernelLease } from '../../../src/core/analysis/engine/wasmKernels';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';

/** As the kernel tests: sums in 4 lanes against 1, a few ulps of the total apart. */
const SUM_RELATIVE_TOLERANCE = 1e-12;
const N = 4099;

function closeSum(actual: number, expected: number, what: string): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - expected) <= SUM_RELATIVE_TOLERANCE * scale, `${what}: ${actual} vs ${expected}`);
}

// statsChunk on all-finite data takes M2 from one read (sum x^2 - c mean^2) when the mean is small
// for the spread, and reads the chunk again for sum (x - mean)^2 when it is not (the one-pass form
// would cancel): both must give the reference's figures.
describe('WebAssembly statsChunk on finite data: one read when the mean is small, two when it is not', function () {
  this.timeout(120_000);
  let lease: KernelLease;
  before(async () => {
    lease = (await compiledKernels()).lease();
  });
  after(() => lease.release());

  for (const [label, offset] of [['around 0 (one read)', 0], ['far from 0 for its spread (two reads)', 1000], ['a mean below the spread (one read)', 0.01]] as const) {
    it(label, () => {
      const x = noise(N, 11, 0.05).map((v) => v + offset);
      lease.reserve(regionBytes(N, 4) + regionBytes(STATS.LENGTH, 8));
      const data = lease.f32(N);
      data.view.set(x);
      const acc = lease.f64(STATS.LENGTH);
      acc.view.set(newStatsAccumulator());
      const expected = newStatsAccumulator();
      for (const [from, to] of [[0, 2001], [2001, N]] as const) {
        statsChunk(x.subarray(from, to), to - from, expected);
        lease.k.statsChunk(data.ptr + from * 4, to - from, acc.ptr);
      }
      for (const slot of [STATS.COUNT, STATS.NON_FINITE, STATS.MIN, STATS.MAX]) assert.equal(acc.view[slot], expected[slot], `slot ${slot}`);
      closeSum(acc.view[STATS.MEAN]!, expected[STATS.MEAN]!, 'mean');
      closeSum(acc.view[STATS.M2]!, expected[STATS.M2]!, 'M2');
    });
  }
});
