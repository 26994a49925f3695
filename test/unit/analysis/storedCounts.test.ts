import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { analyzeTensorFast } from '../../../src/core/analysis/engine/engine';
import { countsStored, STORED_CHUNK_ELEMENTS } from '../../../src/core/analysis/engine/storedCounts';
import { openModel } from '../../../src/core/formats';
import type { Model, TensorEntry } from '../../../src/core/tensor';
import type { AnalysisOptions, Scheme } from '../../../src/shared/analysisTypes';
import { assertSame } from '../wasm/sameResult';
import { noise, writeSafetensors } from '../worker/fixtures';

/** Odd, and past one read, so the last read is short and a pair of values straddles nothing. */
const N = STORED_CHUNK_ELEMENTS + 4099;
const WEIGHTS = 10_001;

const int = (bits: number, mode: 'symmetric' | 'asymmetric'): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture',
});
const OPTIONS: AnalysisOptions = { schemes: [int(8, 'symmetric'), int(4, 'asymmetric')], histogramBins: 32 };

/**
 * Every 16-bit pattern once (NaNs, infinities, subnormals, -0), then runs of one value of odd and
 * even lengths at odd and even offsets (zeros, -0, a run across the read boundary), alternating
 * pairs, and weight-like values.
 */
function halves(n: number, seed: number): Uint16Array {
  const out = new Uint16Array(n);
  for (let h = 0; h < 65536; h++) out[h] = h;
  out.fill(0, 65536, 66537);
  out.fill(0x8000, 66537, 67536);
  for (let i = 67536; i < 70000; i++) out[i] = i % 2 === 0 ? 0x3c00 : 0x3c01;
  const bits = new Uint32Array(noise(n, seed).buffer);
  for (let i = 70000; i < n; i++) out[i] = bits[i]! >>> 16;
  out.fill(0x3e80, STORED_CHUNK_ELEMENTS - 1001, STORED_CHUNK_ELEMENTS + 777);
  return out;
}

/** Weight-like values (the top half of float32 noise) with runs of zeros and -0, a NaN and an infinity (`infinity`'s pattern). */
function weightHalves(n: number, seed: number, infinity: number): Uint16Array {
  const bits = new Uint32Array(noise(n, seed).buffer);
  const out = Uint16Array.from(bits, (b) => b >>> 16);
  out.fill(0, 10, 31);
  out.fill(0x8000, 40, 47);
  out[50] = 0x7fc0;
  out[51] = 0x8000 | infinity;
  return out;
}

/** The same tensor without readStoredInto: counted from its float32 decodings instead. */
function widenedOnly(entry: TensorEntry): TensorEntry {
  const { readStoredInto: _dropped, ...data } = entry.data;
  return { ...entry, data };
}

describe('distinct-value counts of BF16 / F16 read as stored (no widening)', () => {
  let model: Model;
  before(async () => {
    const x = noise(1000, 3);
    model = await openModel([await writeSafetensors('h.safetensors', [
      { name: 'bf16', dtype: 'BF16', shape: [N], bytes: new Uint8Array(halves(N, 11).buffer) },
      { name: 'f16', dtype: 'F16', shape: [N], bytes: new Uint8Array(halves(N, 12).buffer) },
      { name: 'bf16 weights', dtype: 'BF16', shape: [WEIGHTS], bytes: new Uint8Array(weightHalves(WEIGHTS, 13, 0).buffer) },
      { name: 'f16 weights', dtype: 'F16', shape: [WEIGHTS], bytes: new Uint8Array(weightHalves(WEIGHTS, 14, 0x7c00).buffer) },
      { name: 'f32', dtype: 'F32', shape: [1000], bytes: new Uint8Array(x.buffer) },
    ])]);
  });
  after(() => model.close());

  const tensor = (name: string): TensorEntry => model.tensors.find((t) => t.name === name)!;

  it('is taken for 16-bit floats in a file only', () => {
    assert.equal(countsStored(tensor('bf16')), true);
    assert.equal(countsStored(tensor('f16 weights')), true);
    assert.equal(countsStored(tensor('f32')), false);
    assert.equal(countsStored(widenedOnly(tensor('bf16'))), false);
  });

  for (const name of ['bf16', 'f16']) {
    it(`${name}, every 16-bit pattern and runs across reads: the same result as counting the widened values`, async () => {
      const entry = tensor(name);
      assert.deepEqual(await analyzeTensorFast(entry, OPTIONS, {}, null), await analyzeTensorFast(widenedOnly(entry), OPTIONS, {}, null));
    });

    it(`${name} weights: the reference's result`, async () => {
      const entry = tensor(`${name} weights`);
      assertSame(await analyzeTensorFast(entry, OPTIONS, {}, null), await analyzeTensor(entry, OPTIONS));
    });
  }

  it('reports progress up to numel and stops on cancel', async () => {
    const seen: number[] = [];
    await analyzeTensorFast(tensor('bf16'), OPTIONS, { onElements: (n) => seen.push(n) }, null);
    assert.equal(seen.at(-1), N);
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(analyzeTensorFast(tensor('bf16'), OPTIONS, { signal: stop.signal }, null), /cancel/i);
  });
});
