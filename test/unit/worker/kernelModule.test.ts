import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelCompilations, type KernelModule } from '../../../src/core/analysis/engine/wasmKernels';
import type { AnalysisOptions, Scheme } from '../../../src/shared/analysisTypes';
import { AnalysisPool } from '../../../src/worker/host/pool';
import { compiledKernels } from '../wasm/compiled';
import { buildBundlesOnce } from './bundles';
import { f32Tensor, noise, writeSafetensors } from './fixtures';

const int = (bits: number, mode: 'symmetric' | 'asymmetric'): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture',
});
const OPTIONS: AnalysisOptions = { schemes: [int(8, 'symmetric'), int(4, 'asymmetric')], histogramBins: 0, tableOnly: true };
/** 256 x 1024 in parts of 64 K elements: only the WebAssembly kernels analyse parts. */
const PART = 65_536;

describe('worker pool: the WebAssembly kernels compiled once per pool', function () {
  this.timeout(60_000);
  let workerDir = '';
  let file = '';
  const pools: AnalysisPool[] = [];
  const newPool = (threads: number, workerScript = path.join(workerDir, 'worker.js'), extra: { kernels?: KernelModule } = {}): AnalysisPool => {
    const pool = new AnalysisPool({ workerScript, threads, partElements: PART, ...extra });
    pools.push(pool);
    return pool;
  };

  before(async () => {
    workerDir = await buildBundlesOnce();
    file = await writeSafetensors('k.safetensors', [
      f32Tensor('a', [256, 1024], noise(256 * 1024, 1)),
      f32Tensor('b', [64, 64], noise(64 * 64, 2)),
      f32Tensor('c', [64, 64], noise(64 * 64, 3)),
    ]);
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.dispose()));
  });

  it('compiles kernels.wasm once in the host, however many threads start and runs go', async () => {
    const before = kernelCompilations();
    const pool = newPool(2);
    const first = await pool.analyze([file], OPTIONS, {});
    const second = await pool.analyze([file], OPTIONS, {});
    assert.deepEqual(second, first);
    assert.equal(kernelCompilations() - before, 1);
  });

  it('hands the compiled module to threads that have no kernels.wasm of their own', async () => {
    const bare = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-bare-worker-'));
    await fs.copyFile(path.join(workerDir, 'worker.js'), path.join(bare, 'worker.js'));
    const expected = await newPool(2).analyze([file], OPTIONS, {});
    // The 256 x 1024 tensor is split: a thread without the kernels fails its parts ("cannot be analysed in parts").
    const kernels = (await compiledKernels()).module;
    assert.deepEqual(await newPool(2, path.join(bare, 'worker.js'), { kernels }).analyze([file], OPTIONS, {}), expected);
  });
});
