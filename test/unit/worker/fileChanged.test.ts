import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../../../src/core/errors';
import { FILE_CHANGED } from '../../../src/core/io/fileIdentity';
import type { AnalysisOptions } from '../../../src/shared/analysisTypes';
import { AnalysisPool } from '../../../src/worker/host/pool';
import { buildBundlesOnce } from './bundles';
import { f32Tensor, noise, writeSafetensors } from './fixtures';

const OPTIONS: AnalysisOptions = {
  schemes: [{ kind: 'int', bits: 8, mode: 'symmetric', granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture' }],
  histogramBins: 16,
};
/** Tensors analysed one after another on one thread: the file changes after the first. */
const TENSORS = 12;

describe('worker pool: a file that changes during an analysis', function () {
  this.timeout(60_000);
  let pool: AnalysisPool | null = null;

  afterEach(async () => {
    await pool?.dispose();
    pool = null;
  });

  async function analyzeWhileChanging(change: (file: string) => Promise<void>): Promise<{ file: string; results: number; outcome: unknown }> {
    pool = new AnalysisPool({ workerScript: path.join(await buildBundlesOnce(), 'worker.js'), threads: 1 });
    const file = await writeSafetensors('model.safetensors', Array.from({ length: TENSORS }, (_, i) => f32Tensor(`t${i}`, [128, 128], noise(128 * 128, i + 1))));
    let results = 0;
    let changing: Promise<void> | null = null;
    const outcome = await pool.analyze([file], OPTIONS, {
      onTensor: () => {
        results++;
        changing ??= change(file);
      },
    }).then((report) => report, (e: unknown) => e);
    await changing;
    return { file, results, outcome };
  }

  for (const [what, change] of [
    ['rewritten with other values, same size', async (file: string) => {
      const bytes = await fs.readFile(file);
      bytes.fill(1, bytes.length / 2);
      // Write in place after a pause, so the mtime moves even on a coarse clock.
      await new Promise((r) => setTimeout(r, 20));
      const h = await fs.open(file, 'r+');
      await h.write(bytes, 0, bytes.length, 0);
      await h.close();
    }],
    ['truncated', (file: string) => fs.truncate(file, 4096)],
  ] as const) {
    it(`${what}: the run ends with "${FILE_CHANGED}", no report of two versions`, async () => {
      const { file, results, outcome } = await analyzeWhileChanging(change);
      assert.ok(outcome instanceof FormatError, `expected the run to fail, got ${JSON.stringify(outcome)?.slice(0, 200)}`);
      assert.equal(outcome.message, FILE_CHANGED);
      assert.equal(outcome.file, file);
      assert.ok(results < TENSORS, `${results} results`);
    });
  }
});
