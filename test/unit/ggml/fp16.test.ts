import * as assert from 'node:assert/strict';
import { f16ToF32 } from '../../../src/core/numeric/floats';
import { fp32ToFp16 } from '../../../src/core/quant/ggml/fp16';
import { fp32ToFp16Reference } from './reference/fp16';

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

function floatOf(bits: number): number {
  U[0] = bits;
  return F[0]!;
}

function bitsOf(f: number): number {
  F[0] = f;
  return U[0]!;
}

function check(f: number): void {
  const got = fp32ToFp16(f);
  const want = fp32ToFp16Reference(f);
  if (got !== want) assert.fail(`0x${bitsOf(f).toString(16)} (${f}): got 0x${got.toString(16)}, reference 0x${want.toString(16)}`);
}

describe('fp32ToFp16 on the bits against ggml\'s float-arithmetic conversion', () => {
  it('every fp16 value, and the floats next to it and to each midpoint between neighbours', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = f16ToF32(h);
      const b = bitsOf(v);
      for (const d of [-1, 0, 1]) check(floatOf((b + d) >>> 0));
      const next = f16ToF32(h + 1);
      if ((h & 0x7fff) < 0x7c00 && ((h + 1) & 0x7fff) <= 0x7c00 && (h & 0x7fff) !== 0x7fff) {
        const mid = bitsOf((v + next) / 2);
        for (const d of [-1, 0, 1]) check(floatOf((mid + d) >>> 0));
      }
    }
  });

  it('a million random float bit patterns, and every exponent', () => {
    let s = 12345;
    for (let i = 0; i < 1_000_000; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      check(floatOf(s >>> 0));
    }
    for (let e = 0; e < 256; e++) {
      for (const m of [0, 1, 0xfff, 0x1000, 0x1001, 0x2000, 0x3000, 0x7fe000, 0x7ff000, 0x7fffff]) {
        check(floatOf((e << 23) | m));
        check(floatOf(((e << 23) | m | 0x80000000) >>> 0));
      }
    }
  });
});
