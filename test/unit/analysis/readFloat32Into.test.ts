import * as assert from 'node:assert/strict';
import { toFloat32 } from '../../../src/core/dtypes/contiguous';
import { openModel } from '../../../src/core/formats';
import type { Model } from '../../../src/core/tensor';
import { noise, writeSafetensors } from '../worker/fixtures';

const N = 10_007;

/** Every 16-bit pattern is some bf16 / f16 value (NaNs, infinities and subnormals included). */
function randomHalves(n: number, seed: number): Uint8Array {
  const bits = new Uint32Array(noise(n, seed).buffer);
  return new Uint8Array(Uint16Array.from(bits, (b) => (b ^ (b >>> 16)) & 0xffff).buffer);
}

describe('TensorData.readFloat32Into (reads straight into kernel memory)', () => {
  let model: Model;
  before(async () => {
    const x = noise(N, 7, 0.3);
    x[5] = Number.NaN;
    x[6] = -Infinity;
    const file = await writeSafetensors('m.safetensors', [
      { name: 'f32', dtype: 'F32', shape: [N], bytes: new Uint8Array(x.buffer) },
      { name: 'bf16', dtype: 'BF16', shape: [N], bytes: randomHalves(N, 8) },
      { name: 'f16', dtype: 'F16', shape: [N], bytes: randomHalves(N, 9) },
      { name: 'i32', dtype: 'I32', shape: [4], bytes: new Uint8Array(16) },
    ]);
    model = await openModel([file]);
  });
  after(() => model.close());

  for (const name of ['f32', 'bf16', 'f16']) {
    it(`gives read()'s values for ${name}, touching only out[0..count)`, async () => {
      const data = model.tensors.find((t) => t.name === name)!.data;
      assert.ok(data.readFloat32Into, 'a float tensor in a file reads into a buffer');
      for (const [start, count] of [[0, N], [1, 1], [3, 4096], [N - 17, 17], [4000, 0]] as const) {
        const memory = new Float32Array(count + 8).fill(1234.5);
        const out = memory.subarray(4, 4 + count);
        await data.readFloat32Into(start, count, out);
        const expected = toFloat32(await data.read(start, count));
        assert.deepEqual(Array.from(out), Array.from(expected), `${name} [${start}, +${count})`);
        assert.deepEqual([...memory.subarray(0, 4), ...memory.subarray(4 + count)], new Array(8).fill(1234.5));
      }
    });
  }

  it('is absent for integer tensors, and refuses ranges outside the tensor', async () => {
    assert.equal(model.tensors.find((t) => t.name === 'i32')!.data.readFloat32Into, undefined);
    const data = model.tensors.find((t) => t.name === 'f32')!.data;
    await assert.rejects(data.readFloat32Into!(N - 1, 2, new Float32Array(2)), /outside tensor/);
  });
});
