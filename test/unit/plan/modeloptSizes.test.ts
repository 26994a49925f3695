import * as assert from 'node:assert/strict';
import type { PlanTensor } from '../../../src/core/plan/planTypes';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';

/** Llama-2-7B's down_proj: [out 4096, in 11008], a row 86 groups of 128 and 688 blocks of 16. */
const OUT = 4096;
const IN = 11008;
const downProj = (type: 'BF16' | 'F32'): PlanTensor =>
  ({ name: 'model.layers.0.mlp.down_proj.weight', ne: [IN, OUT], numel: OUT * IN, type, bytes: OUT * IN * (type === 'BF16' ? 2 : 4) });

/**
 * Bytes export_hf_checkpoint writes for the weight, summed by hand from each tensor's shape and dtype
 * (see the target's comment): the same for BF16 and F32 models, since every ModelOpt scale is float32 or FP8.
 */
const EXPECTED: Readonly<Record<string, number>> = {
  // weight 4096 x 5504 uint8 + weight_scale 4096 x 688 E4M3 + weight_scale_2 f32 + input_scale f32
  nvfp4: 22_544_384 + 2_818_048 + 4 + 4,
  // weight 4096 x 11008 E4M3 + weight_scale f32 + input_scale f32
  fp8: 45_088_768 + 4 + 4,
  // weight 2048 x 11008 uint8 + weight_scale 4096 x 86 f32 (no input_scale: INT4_AWQ_CFG disables the input quantizer)
  int4_g128: 22_544_384 + 1_409_024,
  // weight 4096 x 11008 int8 + weight_scale 4096 f32 + input_scale f32
  int8_ch: 45_088_768 + 16_384 + 4,
};

describe('modelopt target: bytes of every candidate as export_hf_checkpoint writes them', () => {
  const target = PLAN_TARGETS.modelopt;

  for (const type of ['BF16', 'F32'] as const) {
    it(`a 4096 x 11008 ${type} weight`, () => {
      const tensor = downProj(type);
      for (const [name, bytes] of Object.entries(EXPECTED)) assert.equal(target.bytesOf(target.parseCandidate(name), tensor), bytes, name);
      assert.equal(target.bytesOf(target.parseCandidate('keep'), tensor), type === 'BF16' ? 90_177_536 : 180_355_072);
    });
  }

  it('int4 refused on an odd number of output channels (pack_int4_in_uint8 packs two per byte); the other candidates fit', () => {
    const odd: PlanTensor = { name: 'model.layers.0.mlp.down_proj.weight', ne: [128, 3], numel: 384, type: 'BF16', bytes: 768 };
    const int4 = target.parseCandidate('int4_g128');
    assert.equal(target.bytesOf(int4, odd), null);
    assert.match(target.whyNot(int4, odd)!, /3 output channels is odd/);
    assert.equal(target.bytesOf(target.parseCandidate('int8_ch'), odd), 384 + 3 * 4 + 4);
    assert.equal(target.bytesOf(int4, { ...odd, ne: [128, 4], numel: 512, bytes: 1024 }), 256 + 4 * 4);
  });
});
