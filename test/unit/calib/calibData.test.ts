import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openCalibData, type Batch } from '../../../src/core/calib/data/calibData';
import type { ValueDescription } from '../../../src/core/calib/session';
import { FormatError, UsageError } from '../../../src/core/errors';
import type { CalibDataSpec } from '../../../src/shared/calibTypes';
import { tempDir, writeNpy } from './npy';

const ROOT = path.join(__dirname, '..', '..', '..');
const MLP_INPUT: ValueDescription[] = [{ name: 'input', type: 'float32', shape: ['batch', 784] }];

function spec(over: Partial<CalibDataSpec>): CalibDataSpec {
  return { path: null, inputKey: null, synthetic: null, samples: null, shapes: {}, seed: 0, ...over };
}

async function all(data: { batches(b: number): AsyncGenerator<Batch> }, batch: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of data.batches(batch)) out.push(b);
  return out;
}

async function refuses(s: CalibDataSpec, inputs: ValueDescription[], kind: typeof FormatError | typeof UsageError, message: RegExp): Promise<void> {
  await assert.rejects(openCalibData(s, inputs), (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.match((e as Error).message, message);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

describe('calibration data', () => {
  it('batches an .npy along axis 0 (256 rows, batch 32 and a short last batch at 100)', async () => {
    const data = await openCalibData(spec({ path: path.join(ROOT, 'samples/mlp/calib.npy') }), MLP_INPUT);
    assert.equal(data.samples, 256);
    const batches = await all(data, 100);
    assert.deepEqual(batches.map((b) => b.rows), [100, 100, 56]);
    assert.deepEqual(batches[2]!.feeds.input!.dims, [56, 784]);
    assert.ok(batches[0]!.feeds.input!.data instanceof Float32Array);
    await data.close();
  });

  it('takes x from an .npz by default and honours --input-key and --samples', async () => {
    const npz = path.join(ROOT, 'samples/mlp/test.npz');
    const byDefault = await openCalibData(spec({ path: npz }), MLP_INPUT);
    assert.equal(byDefault.samples, 1000);
    assert.equal(byDefault.inputs[0]!.source, 'test.npz:x');
    await byDefault.close();
    const capped = await openCalibData(spec({ path: npz, inputKey: 'x', samples: 64 }), MLP_INPUT);
    assert.deepEqual((await all(capped, 32)).map((b) => b.rows), [32, 32]);
    await capped.close();
  });

  it('refuses a wrong dtype, a wrong shape, NaN, an unknown key and no data, in one line', async () => {
    const npz = path.join(ROOT, 'samples/mlp/test.npz');
    await refuses(spec({ path: npz, inputKey: 'y' }), MLP_INPUT, FormatError, /test\.npz:y is I64, but model input 'input' wants float32/);
    await refuses(spec({ path: npz, inputKey: 'z' }), MLP_INPUT, UsageError, /no array 'z' \(it holds x, y\)/);
    const dir = tempDir();
    const narrow = writeNpy(dir, 'narrow.npy', new Float32Array(4 * 783), [4, 783]);
    await refuses(spec({ path: narrow }), MLP_INPUT, FormatError, /narrow\.npy has shape \[4, 783\], model input 'input' wants \[batch, 784\]/);
    const values = new Float32Array(3 * 784);
    values[784 + 5] = NaN;
    const nan = writeNpy(dir, 'nan.npy', values, [3, 784]);
    const data = await openCalibData(spec({ path: nan }), MLP_INPUT);
    await assert.rejects(all(data, 2), /nan\.npy: sample 1 holds NaN/);
    await data.close();
    await refuses(spec({}), MLP_INPUT, UsageError, /no calibration data/);
  });

  it('stacks a folder of .npy files, sorted, whether each holds one sample or a batch', async () => {
    const dir = tempDir();
    const row = (v: number) => new Float32Array(784).fill(v);
    writeNpy(dir, 'b.npy', row(2), [784]);
    writeNpy(dir, 'a.npy', row(1), [784]);
    const batch = new Float32Array(2 * 784);
    batch.fill(3, 0, 784);
    batch.fill(4, 784);
    writeNpy(dir, 'c.npy', batch, [2, 784]);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const data = await openCalibData(spec({ path: dir }), MLP_INPUT);
    assert.equal(data.samples, 4);
    const [b] = await all(data, 4);
    const x = b!.feeds.input!.data as Float32Array;
    assert.deepEqual([x[0], x[784], x[2 * 784], x[3 * 784]], [1, 2, 3, 4]);
    await data.close();
  });

  it('generates seeded synthetic data: same seed same values, dynamic dims from --batch and --shape', async () => {
    const a = await all(await openCalibData(spec({ synthetic: 'normal', samples: 10 }), MLP_INPUT), 4);
    const b = await all(await openCalibData(spec({ synthetic: 'normal', samples: 10 }), MLP_INPUT), 4);
    const c = await all(await openCalibData(spec({ synthetic: 'normal', samples: 10, seed: 1 }), MLP_INPUT), 4);
    assert.deepEqual(a.map((x) => x.rows), [4, 4, 2]);
    assert.deepEqual(a[0]!.feeds.input!.data, b[0]!.feeds.input!.data);
    assert.notDeepEqual(a[0]!.feeds.input!.data, c[0]!.feeds.input!.data);
    const v = a[0]!.feeds.input!.data as Float32Array;
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
    assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean} var ${variance}`);
    const vad: ValueDescription[] = [
      { name: 'input', type: 'float32', shape: ['batch', 'sequence'] },
      { name: 'h', type: 'float32', shape: [2, 'batch', 64] },
    ];
    const shaped = await all(await openCalibData(spec({ synthetic: 'uniform', samples: 3, shapes: { input: [1, 512] } }), vad), 32);
    assert.equal(shaped.length, 3);
    assert.deepEqual(shaped[0]!.feeds.input!.dims, [1, 512]);
    assert.deepEqual(shaped[0]!.feeds.h!.dims, [2, 1, 64]);
  });

  it('feeds an array without a sample axis whole on every run (Silero sr) and refuses synthetic int inputs', async () => {
    const dir = tempDir();
    const sr = writeNpy(dir, 'sr.npy', BigInt64Array.of(16000n), []);
    const inputs: ValueDescription[] = [
      { name: 'input', type: 'float32', shape: ['batch', 'sequence'] },
      { name: 'sr', type: 'int64', shape: [] },
    ];
    const data = await openCalibData(spec({ path: sr, synthetic: 'normal', samples: 2, shapes: { input: [1, 512] } }), inputs);
    const batches = await all(data, 32);
    assert.equal(batches.length, 2);
    for (const b of batches) {
      assert.deepEqual(b.feeds.sr!.dims, []);
      assert.deepEqual(Array.from(b.feeds.sr!.data as BigInt64Array), [16000n]);
    }
    await data.close();
    await refuses(spec({ synthetic: 'normal' }), inputs, FormatError, /'sr' \(int64 \[\]\): synthetic data covers float32 inputs only/);
  });
});
