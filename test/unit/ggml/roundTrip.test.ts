import * as assert from 'node:assert/strict';
import { xorshiftUniform as random } from '../helpers/xorshift';
import { ALL_GGML_TYPES } from '../../../src/core/quant/ggml/index';
import { CHUNK } from '../../../src/core/quant/ggml/wasm/module';

/** Per 256-value block: weights, outliers, all zero, a single value, tiny, huge, ties, and non-finite values. */
const BLOCKS: readonly ((r: () => number, i: number) => number)[] = [
  (r) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()) * 0.02,
  (r) => (r() < 0.01 ? 10 : 0.02) * (r() - 0.5),
  () => 0,
  (r, i) => (i % 256 === 7 ? r() - 0.5 : 0),
  (r) => (r() - 0.5) * 1e-39,
  (r) => (r() - 0.5) * 3e37,
  (r) => Math.round(8 * r()) - 4,
  (r) => r() * 2,
  (r) => (r() < 0.05 ? [NaN, Infinity, -Infinity][Math.floor(r() * 3)]! : r() - 0.5),
];

function input(n: number, seed: number): Float32Array {
  const r = random(seed);
  const x = new Float32Array(n);
  for (let b = 0; b < n; b += 256) {
    const dist = BLOCKS[Math.floor(r() * BLOCKS.length)]!;
    for (let i = b; i < Math.min(n, b + 256); i++) x[i] = dist(r, i);
  }
  return x;
}

/** What the round trip must equal: the bytes of the reference quantizer, decoded; non-finite values through. */
function throughBytes(t: (typeof ALL_GGML_TYPES)[number], x: Float32Array, from: number, to: number): Float32Array {
  const src = x.slice(from, to).map((v) => (Number.isFinite(v) ? v : 0));
  const bytes = new Uint8Array((src.length / t.blockSize) * t.typeSize);
  t.quantize!(src, bytes);
  const out = new Float32Array(src.length);
  t.dequantize(bytes, out, src.length / t.blockSize);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(x[from + i]!)) out[i] = x[from + i]!;
  return out;
}

describe('ggml round trips without the bytes', () => {
  const types = ALL_GGML_TYPES.filter((t) => t.roundTrip);

  it('Q4_K, Q5_K, Q6_K and Q8_0 have one', () => {
    assert.deepEqual(types.map((t) => t.name), ['Q8_0', 'Q4_K', 'Q5_K', 'Q6_K']);
  });

  for (const t of types) {
    it(`${t.name}: each value is the reference's through the bytes, to the sign of zero, over chunks and a partial one`, () => {
      for (let seed = 1; seed <= 3; seed++) {
        // Offset into the row, over two chunks and a part of a third.
        const from = 3 * 256;
        const to = from + 2 * CHUNK + 5 * 256;
        const x = input(to + 256, seed);
        const deq = new Float32Array(x.length).fill(12345);
        t.roundTrip!(x, from, to, deq);
        const want = throughBytes(t, x, from, to);
        for (let i = 0; i < want.length; i++) {
          assert.ok(Object.is(deq[from + i], want[i]), `seed ${seed}, value ${from + i}: ${deq[from + i]} vs ${want[i]} (x ${x[from + i]})`);
        }
        assert.ok(deq.subarray(0, from).every((v) => v === 12345) && deq.subarray(to).every((v) => v === 12345), 'values outside the span untouched');
      }
    });
  }
});
