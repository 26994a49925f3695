import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { candidateBytes, type Candidate } from '../../../src/core/plan/costModel';
import type { PlanTensor } from '../../../src/core/plan/planTypes';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';

/** Checkpoints laid out as ModelOpt, compressed-tensors and bitsandbytes write them (scripts/fixtures/fixtures_storages.py). */
const STORAGES = path.join(__dirname, '..', '..', 'fixtures', 'storages');

/** A logical weight [out, in] of the model dtype, as a plan sees it before quantization. */
const weight = (out: number, inFeatures: number, type: PlanTensor['type']): PlanTensor => ({ name: 'w', ne: [inFeatures, out], numel: out * inFeatures, type, bytes: 0 });

/** [file, members that store one weight (ModelOpt's input_scale in; other tools' activation scales, act-order indices and quant_state JSON left out), the weight, how it is priced]. */
const CASES: readonly (readonly [string, readonly string[], PlanTensor, (t: PlanTensor) => number | null])[] = [
  ['nvfp4.safetensors', ['model.layers.0.mlp.up_proj.weight', 'model.layers.0.mlp.up_proj.weight_scale', 'model.layers.0.mlp.up_proj.weight_scale_2', 'model.layers.0.mlp.up_proj.input_scale'],
    weight(32, 64, 'BF16'), (t) => PLAN_TARGETS.modelopt.bytesOf({ kind: 'nvfp4' }, t)],
  ['nvfp4.safetensors', ['model.layers.0.mlp.down_proj.weight_packed', 'model.layers.0.mlp.down_proj.weight_scale', 'model.layers.0.mlp.down_proj.weight_global_scale'],
    weight(24, 48, 'BF16'), (t) => PLAN_TARGETS['llm-compressor'].bytesOf({ kind: 'nvfp4' }, t)],
  ['fp8.safetensors', ['model.layers.0.mlp.up_proj.weight', 'model.layers.0.mlp.up_proj.weight_scale', 'model.layers.0.mlp.up_proj.input_scale'],
    weight(48, 64, 'BF16'), (t) => PLAN_TARGETS.modelopt.bytesOf({ kind: 'fp8', scale: 'tensor', scaleType: 'F32' }, t)],
  ['fp8.safetensors', ['model.layers.0.mlp.down_proj.weight', 'model.layers.0.mlp.down_proj.weight_scale'],
    weight(40, 48, 'F32'), (t) => PLAN_TARGETS['llm-compressor'].bytesOf({ kind: 'fp8', scale: 'channel', scaleType: 'source' }, t)],
  ['bnb.safetensors', ['model.layers.0.mlp.up_proj.weight', 'model.layers.0.mlp.up_proj.weight.absmax', 'model.layers.0.mlp.up_proj.weight.quant_map'],
    weight(48, 64, 'BF16'), (t) => candidateBytes({ kind: 'bnb4', codebook: 'nf4', doubleQuant: false }, t)],
  ['bnb.safetensors', ['model.layers.0.mlp.down_proj.weight', 'model.layers.0.mlp.down_proj.weight.absmax', 'model.layers.0.mlp.down_proj.weight.quant_map',
    'model.layers.0.mlp.down_proj.weight.nested_absmax', 'model.layers.0.mlp.down_proj.weight.nested_quant_map'],
    weight(40, 128, 'BF16'), (t) => candidateBytes({ kind: 'bnb4', codebook: 'fp4', doubleQuant: true }, t)],
  ['compressed.safetensors', ['model.layers.0.mlp.up_proj.weight_packed', 'model.layers.0.mlp.up_proj.weight_scale', 'model.layers.0.mlp.up_proj.weight_shape'],
    weight(48, 128, 'BF16'), (t) => PLAN_TARGETS['llm-compressor'].bytesOf({ kind: 'int', bits: 4, group: 32, scale: 'source', zero: 'none', convention: 'compressed-tensors' } satisfies Candidate, t)],
  ['compressed.safetensors', ['model.layers.0.self_attn.q_proj.weight_packed', 'model.layers.0.self_attn.q_proj.weight_scale', 'model.layers.0.self_attn.q_proj.weight_shape',
    'model.layers.0.self_attn.q_proj.weight_zero_point'],
    weight(40, 128, 'BF16'), (t) => PLAN_TARGETS['llm-compressor'].bytesOf({ kind: 'int', bits: 4, group: 64, scale: 'source', zero: 'packed', convention: 'compressed-tensors' } satisfies Candidate, t)],
];

describe('plan cost model against stored checkpoints', () => {
  for (const [file, members, tensor, price] of CASES) {
    it(`${file} ${members[0]}: the members' bytes`, async () => {
      const model = await openModel([path.join(STORAGES, file)]);
      try {
        const bytes = members.map((name) => {
          const t = model.tensors.find((m) => m.name === name);
          assert.ok(t, `${file} has ${name}`);
          return t.byteLength;
        });
        assert.equal(price(tensor), bytes.reduce((a, b) => a + b, 0), `${members.join(' + ')} = ${bytes.join(' + ')}`);
      } finally {
        await model.close();
      }
    });
  }
});
