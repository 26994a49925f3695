import * as assert from 'node:assert/strict';
import { ALL_GGML_TYPES } from '../../../src/core/quant/ggml/index';
import { ggmlRoundTrip } from '../../../src/core/quant/formats/ggmlRoundTrip';

/** The reference: the type's quantizer to bytes and its dequantizer back (finite input only). */
function throughBytes(t: (typeof ALL_GGML_TYPES)[number], x: Float32Array): Float32Array {
  const bytes = new Uint8Array((x.length / t.blockSize) * t.typeSize);
  t.quantize!(x, bytes);
  const out = new Float32Array(x.length);
  t.dequantize(bytes, out, x.length / t.blockSize);
  return out;
}

/** Equal value by value, telling +0 from -0 (Object.is). */
function assertSameValues(actual: Float32Array, expected: Float32Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: value ${i} is ${actual[i]}, the reference gives ${expected[i]}`);
  }
}

describe('ggml round trips of all-zero blocks (taken from one block, without a fit per block)', () => {
  for (const t of ALL_GGML_TYPES.filter((type) => type.quantize !== undefined)) {
    it(`${t.name}: a run of +0 blocks equals the reference's round trip, and one -0 or tiny value takes the fit`, () => {
      const blocks = 5;
      const n = blocks * t.blockSize;
      const offset = 3 * t.blockSize;
      const x = new Float32Array(offset + n);
      const deq = new Float32Array(offset + n).fill(7);
      ggmlRoundTrip(t.name, x, deq, offset, offset + n);
      assertSameValues(deq.subarray(offset), throughBytes(t, x.subarray(offset)), `${t.name} zeros`);
      assert.ok(deq.subarray(0, offset).every((v) => v === 7), 'values before the run are left alone');
      for (const odd of [-0, 1e-3]) {
        const y = new Float32Array(n);
        y[n - 1] = odd;
        const out = new Float32Array(n);
        ggmlRoundTrip(t.name, y, out, 0, n);
        assertSameValues(out, throughBytes(t, y), `${t.name} zeros and ${Object.is(odd, -0) ? '-0' : odd}`);
      }
    });
  }
});
