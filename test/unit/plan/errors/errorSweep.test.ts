import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../../../src/core/quant/ggml';
import { openModel } from '../../../../src/core/formats/registry';
import { candidateBytes, type Candidate } from '../../../../src/core/plan/costModel';
import { defaultCacheDir, ErrorCache, errorCacheKey } from '../../../../src/core/plan/errors/errorCache';
import { sourcesOf, sweepErrors, type ErrorRunner } from '../../../../src/core/plan/errors/errorSweep';
import { tensorErrorSums } from '../../../../src/core/plan/errors/tensorErrors';
import { openLlamaModel } from '../../../../src/core/plan/llamaCpp/openLlamaModel';
import { whyNotQuantized } from '../../../../src/core/plan/llamaCpp/notQuantized';

const MODEL = path.join(__dirname, '..', '..', '..', 'fixtures', 'plan', 'llama-gqa.gguf');
const CANDIDATES: Candidate[] = [{ kind: 'ggml', type: 'Q4_K' }, { kind: 'ggml', type: 'Q8_0' }];

describe('plan errors: the sweep over a model, cached per file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-sweep-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('computes every planned tensor once, then answers from the cache without reading the model', async () => {
    const plan = await openLlamaModel([MODEL]);
    const planned = plan.tensors.filter((t) => whyNotQuantized(t.name, t.ne) === null).map((t) => ({ tensor: t, sources: sourcesOf(t, plan.facts.architecture) }));
    const model = await openModel([MODEL]);
    let runs = 0;
    const run: ErrorRunner = (request, signal, onElements) => {
      runs++;
      return tensorErrorSums(model, request, { signal, onProgress: onElements });
    };
    const cache = { cache: new ErrorCache(dir), key: await errorCacheKey([MODEL], null) };
    const progress: number[] = [];
    try {
      const first = await sweepErrors(planned, () => CANDIDATES, candidateBytes, null, run, { concurrency: 2, cache, onProgress: (p) => progress.push(p.elementsDone / p.elementsTotal) });
      assert.equal(runs, planned.length);
      assert.equal(progress[progress.length - 1], 1);
      // rows of 32 (ffn_down) cannot take Q4_K: only Q8_0 is priced there
      assert.deepEqual(Object.keys(first.relErr['blk.0.ffn_down.weight']!), ['Q8_0']);
      assert.ok(first.relErr['blk.0.attn_q.weight']!.Q4_K! > first.relErr['blk.0.attn_q.weight']!.Q8_0!);
      const second = await sweepErrors(planned, () => CANDIDATES, candidateBytes, null, run, { concurrency: 2, cache });
      assert.equal(runs, planned.length, 'the second sweep computed again');
      assert.deepEqual(second, first);
      // another candidate: only it is computed
      await sweepErrors(planned, () => [...CANDIDATES, { kind: 'ggml', type: 'Q6_K' }], candidateBytes, null, run, { concurrency: 1, cache });
      assert.equal(runs, planned.length + planned.filter((p) => (p.tensor.ne[0]! % 256) === 0).length);
      // a changed file (other mtime) is another key
      const other = { ...cache, key: { ...cache.key, files: cache.key.files.map((f) => ({ ...f, mtimeMs: f.mtimeMs + 1 })) } };
      assert.deepEqual(await other.cache.load(other.key), {});
    } finally {
      await model.close();
    }
  });

  it('stops on cancel and keeps what it computed', async () => {
    const plan = await openLlamaModel([MODEL]);
    const planned = plan.tensors.filter((t) => whyNotQuantized(t.name, t.ne) === null).map((t) => ({ tensor: t, sources: sourcesOf(t, 'llama') }));
    const model = await openModel([MODEL]);
    const controller = new AbortController();
    let runs = 0;
    const run: ErrorRunner = async (request, signal, onElements) => {
      if (++runs === 3) controller.abort();
      return tensorErrorSums(model, request, { signal, onProgress: onElements });
    };
    const cache = { cache: new ErrorCache(dir), key: await errorCacheKey([MODEL], null) };
    try {
      await assert.rejects(sweepErrors(planned, () => CANDIDATES, candidateBytes, null, run, { concurrency: 1, cache, signal: controller.signal }), /cancelled/);
      const kept = await cache.cache.load(cache.key);
      assert.equal(Object.keys(kept).length, 2);
    } finally {
      await model.close();
    }
  });

  it('ignores a damaged cache file, and puts the default cache where --help says', async () => {
    const cache = new ErrorCache(dir);
    const key = await errorCacheKey([MODEL], null);
    await cache.save(key, { 'a.weight': { Q4_K: 0.1 } });
    const [file] = await fs.readdir(dir);
    await fs.writeFile(path.join(dir, file!), '{"version":1,');
    assert.deepEqual(await cache.load(key), {});
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'quantlens'));
    assert.equal(defaultCacheDir({}), path.join(os.tmpdir(), 'quantlens-cache'));
  });
});
