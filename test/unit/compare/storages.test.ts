import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareModels } from '../../../src/core/compare/compareModels';
import { decodeStorages } from '../../../src/core/decode/decodedModel';
import { safetensorsReader } from '../../../src/core/formats/safetensors';
import { openFromBytes } from '../helpers/memoryOpen';
import { openModel } from '../../../src/core/formats/registry';
import { run } from '../cli/run';
import { expectedValues, fixturePath } from '../decode/fixtures';
import { f32Safetensors, rawSafetensors } from './safetensorsBytes';
import { suiteTempDir } from '../helpers/tempDir';

interface PairJson { reference: string; candidate: string; candidateDtype: string; candidateStorage?: string; transform: string; sqnrDb: number | null; maxAbsErr: number; mse: number }
interface CompareJson { pairs: PairJson[]; unpaired: { reference: string[]; candidate: string[] }; findings: { kind: string; tensor: string | null }[] }

async function compareJson(reference: string, candidate: string): Promise<CompareJson> {
  const r = await run('compare', reference, candidate, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as CompareJson;
}

/** Storage fixture -> its storage and the tensors it keeps unquantized (test/fixtures/storages). */
const SAFETENSORS: readonly { file: string; storage: string; plain: readonly string[] }[] = [
  { file: 'gptq.safetensors', storage: 'gptq', plain: ['model.norm.weight'] },
  { file: 'awq.safetensors', storage: 'awq', plain: [] },
  { file: 'bnb.safetensors', storage: 'bnb-4bit', plain: [] },
  { file: 'compressed.safetensors', storage: 'compressed-pack', plain: [] },
  { file: 'fp8.safetensors', storage: 'fp8-scaled', plain: [] },
  { file: 'nvfp4.safetensors', storage: 'nvfp4', plain: [] },
];

describe('compare: quantized storages decoded end to end (test/fixtures/storages)', () => {
  const tmp = suiteTempDir('quantlens-compare-storages-');

  for (const { file, storage, plain } of SAFETENSORS) {
    it(`${file}: each ${storage} group paired with its float reference by the logical name, equal to the library's dequantization`, async () => {
      const expected = await expectedValues();
      const prefix = `${file}:`;
      const mine = [...expected].filter(([k]) => k.startsWith(prefix));
      const reference = path.join(tmp(), `${storage}-reference.safetensors`);
      writeFileSync(reference, f32Safetensors(Object.fromEntries(mine.map(([k, v]) => [k.slice(prefix.length), { shape: [...v.shape], values: [...v.values] }]))));
      const j = await compareJson(reference, fixturePath(file));
      assert.deepEqual(j.unpaired, { reference: [], candidate: plain });
      assert.deepEqual(j.pairs.map((p) => p.reference).sort(), mine.map(([k]) => k.slice(prefix.length)).sort());
      for (const p of j.pairs) {
        assert.deepEqual([p.candidate, p.candidateStorage, p.candidateDtype, p.transform], [p.reference, storage, 'F32', 'none']);
        assert.deepEqual([p.sqnrDb, p.maxAbsErr], [null, 0], `${p.reference}: decoded values differ from the library's`);
      }
      assert.deepEqual(j.findings, []);
    });
  }

  for (const file of ['qdq.onnx', 'matmulnbits.onnx']) {
    it(`${file}: every DequantizeLinear / MatMulNBits weight paired by name and measured against a perturbed reference`, async () => {
      const model = await openModel([fixturePath(file)]);
      const tensors: Record<string, { shape: number[]; values: number[] }> = {};
      const sqnr = new Map<string, number>();
      const maxAbs = new Map<string, number>();
      try {
        const decoded = await decodeStorages(model);
        assert.deepEqual(decoded.problems, []);
        for (const logical of decoded.storages.keys()) {
          const t = decoded.model.tensors.find((x) => x.name === logical)!;
          const y = (await t.data.read(0, t.numel)) as Float32Array;
          assert.ok(y.every(Number.isFinite), `${logical}: decoded values are finite`);
          // reference = decoded + 1/8 on every other value (rounded to float32)
          const x = Array.from(y, (v, i) => Math.fround(v + (i % 2 === 0 ? 0.125 : 0)));
          tensors[logical] = { shape: [...t.shape], values: x };
          let sx = 0;
          let se = 0;
          let worst = 0;
          for (let i = 0; i < x.length; i++) {
            sx += x[i]! * x[i]!;
            se += (x[i]! - y[i]!) ** 2;
            worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
          }
          sqnr.set(logical, 10 * Math.log10(sx / se));
          maxAbs.set(logical, worst);
        }
      } finally {
        await model.close();
      }
      assert.ok(sqnr.size >= 2, `${file}: ${sqnr.size} stored weights`);
      const reference = path.join(tmp(), `${file}-reference.safetensors`);
      writeFileSync(reference, f32Safetensors(tensors));
      const j = await compareJson(reference, fixturePath(file));
      assert.deepEqual(j.unpaired.reference, []);
      assert.deepEqual(j.pairs.map((p) => p.reference).sort(), [...sqnr.keys()].sort());
      assert.deepEqual(j.findings, []);
      for (const p of j.pairs) {
        assert.ok(p.candidateStorage === 'onnx-qdq' || p.candidateStorage === 'onnx-matmulnbits', p.candidate);
        assert.ok(Math.abs(p.sqnrDb! - sqnr.get(p.reference)!) < 1e-9, `${p.reference}: ${p.sqnrDb} vs ${sqnr.get(p.reference)}`);
        assert.equal(p.maxAbsErr, maxAbs.get(p.reference));
      }
    });
  }

  it('a group that cannot be decoded is an undecodable-storage finding; its members stay listed as they are, unpaired', async () => {
    const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const candidate = await openFromBytes(safetensorsReader, {
      'c.safetensors': rawSafetensors([
        { name: 'l.weight_packed', dtype: 'I32', shape: [4, 2], bytes: bytes(new Int32Array(8)) },
        { name: 'l.weight_scale', dtype: 'BF16', shape: [4, 1], bytes: bytes(new Uint16Array(4)) },
        { name: 'l.weight_shape', dtype: 'I64', shape: [2], bytes: bytes(BigInt64Array.from([4n, 1000n])) },
        { name: 'x', dtype: 'F32', shape: [2], bytes: bytes(Float32Array.from([1, 2])) },
      ]),
    });
    const reference = await openFromBytes(safetensorsReader, { 'r.safetensors': f32Safetensors({ 'l.weight': { shape: [4, 1000], values: new Array(4000).fill(0) }, x: { shape: [2], values: [1, 2] } }) });
    const decoded = await decodeStorages(candidate);
    const r = await compareModels(reference, decoded.model, { kind: 'auto' }, decoded);
    assert.deepEqual(r.findings, [{ kind: 'undecodable-storage', tensor: 'l.weight', message: 'compressed-pack: weight_packed [4, 2] does not pack [4, 1000] at 2, 4 or 8 bits' }]);
    assert.deepEqual(r.pairs.map((p) => p.reference), ['x']);
    assert.deepEqual(r.unpaired, { reference: ['l.weight'], candidate: ['l.weight_packed', 'l.weight_scale', 'l.weight_shape'] });
  });

  it('the table names the storage in the type column', async () => {
    const expected = await expectedValues();
    const v = expected.get('fp8.safetensors:model.layers.0.mlp.up_proj.weight')!;
    const reference = path.join(tmp(), 'fp8-up.safetensors');
    writeFileSync(reference, f32Safetensors({ 'model.layers.0.mlp.up_proj.weight': { shape: [...v.shape], values: [...v.values] } }));
    const r = await run('compare', reference, fixturePath('fp8.safetensors'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /model\.layers\.0\.mlp\.up_proj\.weight +model\.layers\.0\.mlp\.up_proj\.weight +fp8-scaled +none +exact /);
  });
});
