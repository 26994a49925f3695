import * as assert from 'node:assert/strict';
import { e8m0ToFp32Half } from '../../../src/core/quant/ggml/fp16';
import { bestIndexMxfp4 } from '../../../src/core/quant/ggml/mxfp4';
import { bestIndexMxfp4Reference } from './reference/mxfp4';

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

describe('best_index_mxfp4 scanning one sign against all 16 codes', () => {
  it('agrees for every E8M0 scale on levels, midpoints, their float neighbours and random values', () => {
    let s = 987654321;
    const next = (): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 4294967296;
    };
    for (let code = 0; code < 255; code++) {
      const e = e8m0ToFp32Half(code);
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
      for (const x of xs) {
        assert.equal(bestIndexMxfp4(x, e), bestIndexMxfp4Reference(x, e), `x ${x}, e ${e} (E8M0 ${code})`);
      }
    }
  });
});
