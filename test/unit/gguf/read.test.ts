import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ggufReader } from '../../../src/core/formats/gguf';
import { openModel } from '../../../src/core/formats/registry';
import { openFromBytes } from '../helpers/memoryOpen';
import { firstFloatMismatch, readF32 } from '../ggml/fixtures';
import { EXPECTED, fixtureBytes, GGUF_FIXTURES, jsonLike } from './expected';

for (const file of ['tiny-v3.gguf', 'tiny-v2.gguf']) {
  describe(`GGUF reader: ${file}`, () => {
    const expected = EXPECTED[file]!;
    const bytes = fixtureBytes(file);

    it('sniffs the magic', () => {
      assert.equal(ggufReader.sniff(bytes.subarray(0, 4096), file), true);
      assert.equal(ggufReader.sniff(new TextEncoder().encode('GGML....'), 'x.gguf'), false);
    });

    it('reads every metadata value type, long arrays as {itemType, length, first}', async () => {
      const model = await openFromBytes(ggufReader, { [file]: bytes });
      assert.deepEqual(jsonLike(model.metadata), expected.metadata);
      assert.equal(model.format, 'gguf');
      assert.equal(model.sizeOnDisk, expected.size);
    });

    it('lists tensors with ggml dtypes and shapes reversed from ne (outermost first)', async () => {
      const model = await openFromBytes(ggufReader, { [file]: bytes });
      const listed = model.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, numel: t.numel, byteLength: t.byteLength }));
      assert.deepEqual(listed, expected.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, numel: t.numel, byteLength: t.byteLength })));
      assert.ok(model.tensors.every((t) => t.source === file));
    });

    it('decodes plain tensors exactly and block tensors bit for bit as ggml dequantizes them', async () => {
      const model = await openFromBytes(ggufReader, { [file]: bytes });
      for (const want of expected.tensors) {
        const t = model.tensors.find((x) => x.name === want.name)!;
        const values = await t.data.read(0, t.numel);
        assert.deepEqual(jsonLike(Array.from(values as ArrayLike<number | bigint>).slice(0, want.values!.length)), want.values, want.name);
        if (want.ggmlDequantized) {
          const ggml = readF32(want.ggmlDequantized).subarray(0, t.numel);
          assert.equal(firstFloatMismatch(values as Float32Array, ggml), -1, want.name);
        }
      }
    });

    it('reads a block tensor from a block-aligned start', async () => {
      const model = await openFromBytes(ggufReader, { [file]: bytes });
      const t = model.tensors.find((x) => x.dtype === 'Q4_K')!;
      const all = (await t.data.read(0, t.numel)) as Float32Array;
      const tail = (await t.data.read(256, 256)) as Float32Array;
      assert.equal(firstFloatMismatch(tail, all.subarray(256)), -1);
    });

    it('decodes every grid i-quant type (IQ1_S .. IQ3_S), NVFP4, Q1_0 and Q2_0 from the file', async () => {
      const model = await openFromBytes(ggufReader, { [file]: bytes });
      const grid = expected.tensors.filter((t) => t.ggmlDequantized?.startsWith('grid/')).map((t) => t.dtype).sort();
      assert.deepEqual(grid, ['IQ1_M', 'IQ1_S', 'IQ2_S', 'IQ2_XS', 'IQ2_XXS', 'IQ3_S', 'IQ3_XXS', 'NVFP4', 'Q1_0', 'Q2_0']);
      for (const dtype of grid) {
        const t = model.tensors.find((x) => x.dtype === dtype)!;
        const tail = (await t.data.read(256, 256)) as Float32Array;
        assert.equal(firstFloatMismatch(tail, readF32(expected.tensors.find((x) => x.name === t.name)!.ggmlDequantized!).subarray(256, 512)), -1, dtype);
      }
    });
  });
}

describe('GGUF through the registry', () => {
  it('openModel sniffs and opens a .gguf path', async () => {
    const model = await openModel([path.join(GGUF_FIXTURES, 'tiny-v3.gguf')]);
    try {
      assert.equal(model.format, 'gguf');
      assert.equal(model.tensors.length, EXPECTED['tiny-v3.gguf']!.tensors.length);
      const t = model.tensors.find((x) => x.name === 'blk.1.attn_v.weight')!;
      assert.equal(t.dtype, 'Q6_K');
      assert.deepEqual(t.shape, [2, 256]);
    } finally {
      await model.close();
    }
  });
});
