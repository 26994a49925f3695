import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { tfjsReader } from '../../../src/core/formats/tfjs';
import type { Model, Values } from '../../../src/core/tensor';

const TFJS = path.join(__dirname, '..', '..', 'fixtures', 'tfjs');

type Value = number | string | boolean;
interface ExpectedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly storage?: { dtype: string; scale?: number; min?: number };
  readonly values: Value[];
}
const EXPECTED = JSON.parse(readFileSync(path.join(TFJS, 'expected.json'), 'utf8')) as { graph: ExpectedTensor[]; manifest: ExpectedTensor[] };

/** Decoded values in expected.json's notation (NaN and infinities as strings, BOOL as booleans). */
function asExpected(values: Values, dtype: string): Value[] {
  return [...values].map((v) => {
    if (dtype === 'BOOL') return v !== 0;
    const n = Number(v);
    return Number.isFinite(n) ? n : String(n);
  });
}

async function checkAgainst(m: Model, expected: readonly ExpectedTensor[]): Promise<void> {
  assert.equal(m.format, 'tfjs');
  assert.deepEqual(m.tensors.map((t) => t.name), expected.map((e) => e.name));
  for (const e of expected) {
    const t = m.tensors.find((x) => x.name === e.name)!;
    assert.deepEqual([t.dtype, t.shape, t.storage], [e.dtype, e.shape, e.storage], e.name);
    assert.deepEqual(asExpected(await t.data.read(0, t.numel), t.dtype), e.values, e.name);
  }
}

async function opened(paths: string[], body: (m: Model) => Promise<void>): Promise<void> {
  const m = await openModel(paths);
  try {
    await body(m);
  } finally {
    await m.close();
  }
}

describe('tfjs reader', () => {
  it('decodes a graph model.json exactly as tfjs-core decodeWeights, across shard boundaries', () =>
    opened([path.join(TFJS, 'graph', 'model.json')], async (m) => {
      await checkAgainst(m, EXPECTED.graph);
      const source = (name: string) => m.tensors.find((t) => t.name === name)!.source;
      assert.equal(source('dense/kernel'), 'group1-shard1of3.bin+group1-shard2of3.bin');
      assert.equal(source('dense/bias'), 'group1-shard2of3.bin');
      assert.equal(source('head/weight'), 'group2-shard1of1.bin');
      assert.equal(m.tensors.find((t) => t.name === 'conv/kernel_u8')!.byteLength, 24);
      assert.deepEqual(m.metadata['skippedWeights'], [{ name: 'vocab', dtype: 'string', reason: 'string weights hold no real numbers to quantize' }]);
      assert.equal(m.metadata['convertedBy'], 'TensorFlow.js Converter v4.22.0');
      assert.equal(m.metadata['modelTopology'], undefined);
      const files = readdirSync(path.join(TFJS, 'graph'));
      assert.equal(m.sizeOnDisk, files.reduce((s, f) => s + readFileSync(path.join(TFJS, 'graph', f)).length, 0));
    }));

  it('opens a folder holding model.json (its .bin shards are not models)', () =>
    opened([path.join(TFJS, 'graph')], (m) => checkAgainst(m, EXPECTED.graph)));

  it('opens a bare *weights_manifest.json', () =>
    opened([path.join(TFJS, 'manifest', 'tiny_model-weights_manifest.json')], (m) => checkAgainst(m, EXPECTED.manifest)));

  it('reads a weight from the middle, across a shard boundary', () =>
    opened([path.join(TFJS, 'graph', 'model.json')], async (m) => {
      const kernel = m.tensors[0]!;
      assert.deepEqual(asExpected(await kernel.data.read(15, 3), 'F32'), EXPECTED.graph[0]!.values.slice(15, 18));
    }));

  it('sniffs tfjs JSON by name or content, and nothing else', () => {
    const json = (s: string) => new TextEncoder().encode(s);
    assert.ok(tfjsReader.sniff(json(' {"format": "graph-model"'), '/m/model.json'));
    assert.ok(tfjsReader.sniff(json('[{"paths": []'), 'x-weights_manifest.json'));
    assert.ok(tfjsReader.sniff(json('{"modelTopology": {}'), 'posenet-stride16.json'));
    assert.ok(!tfjsReader.sniff(json('{"hidden_size": 4096}'), 'config.json'));
    assert.ok(!tfjsReader.sniff(json('{"weightsManifest": []}'), 'model.bin'));
  });
});
