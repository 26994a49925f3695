import * as assert from 'node:assert/strict';
import { xorshiftUniform } from '../helpers/xorshift';
import { e8m0ToFp32Half } from '../../../src/core/quant/ggml/fp16';
import { CHUNK, ggmlKernels } from '../../../src/core/quant/ggml/wasm/module';
import { bestIndexMxfp4Reference } from './reference/mxfp4';

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

/** Levels, midpoints and their float neighbours of both signs, specials and random values, at scale e. */
function valuesAt(e: number, next: () => number): number[] {
  const xs: number[] = [0, -0, NaN, Infinity, -Infinity];
  for (const v of [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10, 12, 14, 20]) {
    for (const sign of [1, -1]) {
      F[0] = sign * v * e;
      const bits = U[0]!;
      for (const d of [-1, 0, 1]) {
        U[0] = (bits + d) >>> 0;
        xs.push(F[0]!);
      }
    }
  }
  for (let i = 0; i < 200; i++) xs.push(Math.fround((next() - 0.5) * 32 * e));
  return xs;
}

describe('MXFP4 levels kernel (|x| against codes 1..7) against best_index_mxfp4 over all 16 codes', () => {
  it('agrees for every E8M0 scale on levels, midpoints, their float neighbours and random values', () => {
    const next = xorshiftUniform(987654321);
    // One (x, e) per value, sub-blocks of 32 sharing e.
    const cases: { x: number; e: number; code: number }[] = [];
    for (let code = 0; code < 255; code++) {
      const e = e8m0ToFp32Half(code);
      const xs = valuesAt(e, next);
      while (xs.length % 32) xs.push(e);
      for (const x of xs) cases.push({ x, e, code });
    }
    const k = ggmlKernels();
    for (let start = 0; start < cases.length; start += CHUNK) {
      const part = cases.slice(start, start + CHUNK);
      part.forEach((c, i) => {
        k.input[i] = c.x;
        k.scales[i >> 5] = c.e;
      });
      k.run('mxfp4_levels', part.length);
      part.forEach((c, i) => {
        assert.equal(k.levels[i], bestIndexMxfp4Reference(Math.fround(c.x), c.e), `x ${c.x}, e ${c.e} (E8M0 ${c.code})`);
      });
    }
  });
});
