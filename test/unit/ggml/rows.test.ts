import * as assert from 'node:assert/strict';
import { ALL_GGML_TYPES } from '../../../src/core/quant/ggml/index';
import { CHUNK } from '../../../src/core/quant/ggml/wasm/module';
import { readBytes, readF32, readManifest } from './fixtures';

const manifest = readManifest();
const input = readF32('input.f32');
/** Enough copies of the input to span several kernel chunks. */
const COPIES = Math.ceil((2.5 * CHUNK) / input.length);

describe('ggml quantizers on long rows and reused buffers', () => {
  for (const t of ALL_GGML_TYPES) {
    const name = t.name.toLowerCase();
    if (!t.quantize || !manifest.types[name]) continue;

    it(`${t.name}: a reused buffer full of stale bytes ends as ggml's bytes`, () => {
      const expected = readBytes(`${name}.q.bin`);
      const actual = new Uint8Array(expected.length).fill(0xa5);
      t.quantize!(input, actual);
      assert.deepEqual(actual, expected);
    });

    it(`${t.name}: a row over several chunks, ending in a partial one, is its blocks quantized one by one`, () => {
      const one = readBytes(`${name}.q.bin`);
      // The copies, then the first block once more, so the last chunk is not a whole number of groups.
      const row = new Float32Array(COPIES * input.length + t.blockSize);
      const expected = new Uint8Array(COPIES * one.length + t.typeSize);
      for (let c = 0; c < COPIES; c++) {
        row.set(input, c * input.length);
        expected.set(one, c * one.length);
      }
      row.set(input.subarray(0, t.blockSize), COPIES * input.length);
      expected.set(one.subarray(0, t.typeSize), COPIES * one.length);
      const actual = new Uint8Array(expected.length);
      t.quantize!(row, actual);
      const at = actual.findIndex((b, i) => b !== expected[i]);
      assert.equal(at, -1, `byte ${at} (block ${Math.floor(at / t.typeSize)})`);
    });
  }
});
