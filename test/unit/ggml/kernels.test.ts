import * as assert from 'node:assert/strict';
import { xorshiftUniform as random } from '../helpers/xorshift';
import { CHUNK, ggmlKernels, KERNELS, type KernelName } from '../../../src/core/quant/ggml/wasm/module';
import { bestIndexInt8, iq4SubBlock, makeQ3Quants, makeQkx2Quants, makeQxQuants } from './reference/fits';
import { nearestInt } from '../../../src/core/quant/ggml/cfloat';
import { KVALUES_IQ4NL } from '../../../src/core/quant/ggml/kvalues';

const f32 = Math.fround;

const BITS = new Uint32Array(1);
const BITS_F32 = new Float32Array(BITS.buffer);

/** Inputs that stress the fits: ties, flat and all-zero sub-blocks, subnormals, huge values, random bit patterns. */
const DISTRIBUTIONS: readonly ((r: () => number, i: number) => number)[] = [
  (r) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()),
  (r) => (r() < 0.01 ? 10 : 0.02) * (r() - 0.5),
  (r) => Math.round(8 * r()) - 4,
  (_r, i) => ((i >> 4) % 3) - 1,
  () => 0,
  (r) => (r() - 0.5) * 1e-39,
  (r) => (r() - 0.25) * 1e-18,
  (r) => (r() - 0.5) * 3e37,
  (r) => r() * 2,
  (r, i) => (i % 32 === 5 ? r() - 0.5 : 0),
  (r, i) => (r() - 0.5) * 10 ** ((i >> 4) % 8 - 3),
  (r, i) => (r() - 0.5) * ((i >> 4) % 3 ? 1 : 1e-17),
  (r) => {
    BITS[0] = Math.floor(r() * 4294967296);
    return Number.isFinite(BITS_F32[0]) ? BITS_F32[0]! : 0;
  },
];

/** A chunk of inputs, each 256-value block from one distribution. */
function fillChunk(x: Float32Array, seed: number): void {
  const r = random(seed);
  for (let b = 0; b < x.length; b += 256) {
    const dist = DISTRIBUTIONS[Math.floor(r() * DISTRIBUTIONS.length)]!;
    for (let i = b; i < b + 256; i++) x[i] = dist(r, i);
  }
}

function sameFloat(a: number, b: number): boolean {
  return Object.is(f32(a), f32(b)) || (Number.isNaN(a) && Number.isNaN(b));
}

/** The weights quantize_row_q2_K_ref (|x|) and q4_K / q5_K (RMS + |x|) pass to make_qkx2_quants. */
function qkx2Weights(name: KernelName, x: Float32Array, xo: number, n: number, w: Float32Array): void {
  if (name === 'q2_K') {
    for (let i = 0; i < n; i++) w[i] = Math.abs(x[xo + i]!);
    return;
  }
  let sumX2 = 0;
  for (let i = 0; i < n; i++) sumX2 = f32(sumX2 + f32(x[xo + i]! * x[xo + i]!));
  const avX = f32(Math.sqrt(f32(sumX2 / n)));
  for (let i = 0; i < n; i++) w[i] = f32(avX + Math.abs(x[xo + i]!));
}

/** make_qkx2_quants' arguments in quantize_row_q2_K_ref, q4_K, q5_K. */
const QKX2 = {
  q2_K: { nmax: 3, rmin: -0.5, nstep: 15, mad: true },
  q4_K: { nmax: 15, rmin: -1, nstep: 20, mad: false },
  q5_K: { nmax: 31, rmin: -0.5, nstep: 15, mad: false },
};

/** Runs kernel `name` on 3 stress chunks and compares each sub-block with `reference` (scale, levels, min). */
function crossCheck(name: KernelName, reference: (x: Float32Array, xo: number, L: Uint8Array) => { scale: number; min?: number },
  fill: (x: Float32Array, seed: number) => void = fillChunk): void {
  const { n } = KERNELS[name];
  const k = ggmlKernels();
  const L = new Uint8Array(n);
  for (let seed = 1; seed <= 3; seed++) {
    fill(k.input, seed);
    const x = k.input.slice();
    k.run(name, CHUNK);
    for (let s = 0; s < CHUNK / n; s++) {
      const want = reference(x, s * n, L);
      const where = `seed ${seed}, sub-block ${s}`;
      assert.ok(sameFloat(k.scales[s]!, want.scale), `${where}: scale ${k.scales[s]} vs ${want.scale}`);
      if (want.min !== undefined) assert.ok(sameFloat(k.mins[s]!, want.min), `${where}: min ${k.mins[s]} vs ${want.min}`);
      assert.deepEqual(k.levels.subarray(s * n, s * n + n), L, where);
    }
  }
}

describe('ggml SIMD kernels against the scalar ports, lane by lane, on stress inputs', () => {
  for (const name of ['q2_K', 'q4_K', 'q5_K'] as const) {
    it(`${name}: make_qkx2_quants per lane`, () => {
      const { n } = KERNELS[name];
      const { nmax, rmin, nstep, mad } = QKX2[name];
      const Laux = new Uint8Array(n);
      const w = new Float32Array(n);
      const mins = new Float32Array(1);
      crossCheck(name, (x, xo, L) => {
        qkx2Weights(name, x, xo, n, w);
        const scale = makeQkx2Quants(n, nmax, x, xo, w, L, 0, mins, 0, Laux, rmin, f32(0.1), nstep, mad);
        return { scale, min: mins[0]! };
      });
    });
  }

  it('q6_K: make_qx_quants per lane', () => {
    const L = new Int8Array(16);
    crossCheck('q6_K', (x, xo, out) => {
      const scale = makeQxQuants(16, 32, x, xo, L, 0);
      out.set(L);
      return { scale };
    });
  });

  it('q6_K: make_qx_quants per lane, infinities and NaNs among the values (its search for non-finite groups)', () => {
    const L = new Int8Array(16);
    const special = [NaN, Infinity, -Infinity];
    crossCheck('q6_K', (x, xo, out) => {
      const scale = makeQxQuants(16, 32, x, xo, L, 0);
      out.set(L);
      return { scale };
    }, (x, seed) => {
      fillChunk(x, seed);
      const r = random(seed + 100);
      for (let i = 0; i < x.length; i++) if (r() < 0.01) x[i] = special[Math.floor(r() * special.length)]!;
    });
  });

  it('q3_K: make_q3_quants per lane', () => {
    const L = new Int8Array(16);
    crossCheck('q3_K', (x, xo, out) => {
      const scale = makeQ3Quants(16, 4, x, xo, L, 0);
      out.set(L);
      return { scale };
    });
  });

  for (const [name, ntry] of [['iq4_nl', -1], ['iq4_xs', 7]] as const) {
    it(`${name}: quantize_row_iq4_nl_impl's sub-block search per lane`, () => {
      crossCheck(name, (x, xo, L) => ({ scale: iq4SubBlock(x, xo, ntry, L, 0) }));
    });
  }

  /**
   * Per sub-block d and m (d: random, 0, NaN, infinite, tiny), stored for the levels kernels; some
   * groups of 4 sub-blocks (one kernel lane each) with d = 0 or -0 in every lane.
   */
  function scalesFor(k: ReturnType<typeof ggmlKernels>, n: number, seed: number): void {
    const r = random(seed);
    const special = [0, NaN, Infinity, -Infinity, 1e-40, -0];
    for (let s = 0; s < CHUNK / n; s++) {
      k.scales[s] = r() < 0.3 ? special[Math.floor(r() * special.length)]! : (r() - 0.3) * 10 ** (Math.floor(r() * 8) - 4);
      k.mins[s] = r() < 0.2 ? NaN : (r() - 0.5) * 10 ** (Math.floor(r() * 8) - 4);
    }
    for (let s = 0; s < CHUNK / n; s += 4) {
      if (r() < 0.2) for (let j = s; j < s + 4; j++) k.scales[j] = r() < 0.5 ? 0 : -0;
    }
  }

  for (const [name, n, lo, hi] of [['q2_K_levels', 16, 0, 3], ['q3_K_levels', 16, -4, 3], ['q4_K_levels', 32, 0, 15],
    ['q5_K_levels', 32, 0, 31], ['q6_K_levels', 16, -32, 31]] as const) {
    it(`${name}: nearest_int((x + m) / d) clamped to [${lo}, ${hi}], from 0; d = 0 keeps the levels, a NaN d does not (C's !d)`, () => {
      const k = ggmlKernels();
      for (let seed = 1; seed <= 3; seed++) {
        fillChunk(k.input, seed);
        scalesFor(k, n, seed);
        const r = random(seed + 100);
        for (let i = 0; i < CHUNK; i++) k.levels[i] = Math.floor(r() * 256);
        const before = k.levels.slice();
        const d = k.scales.slice();
        const m = k.mins.slice();
        k.run(name, CHUNK);
        for (let i = 0; i < CHUNK; i++) {
          const s = Math.floor(i / n);
          const want = d[s] === 0 ? before[i]! : Math.max(lo, Math.min(hi, nearestInt(f32(f32(k.input[i]! + m[s]!) / d[s]!)))) - lo;
          assert.equal(k.levels[i], want, `seed ${seed}, value ${i}: d ${d[s]}, m ${m[s]}, x ${k.input[i]}`);
        }
      }
    });
  }

  it('iq4_xs_levels: best_index_int8(idl * x)', () => {
    const k = ggmlKernels();
    for (let seed = 1; seed <= 3; seed++) {
      fillChunk(k.input, seed);
      scalesFor(k, 32, seed);
      const idl = k.scales.slice();
      k.run('iq4_xs_levels', CHUNK);
      for (let i = 0; i < CHUNK; i++) {
        const want = bestIndexInt8(KVALUES_IQ4NL, f32(idl[i >> 5]! * k.input[i]!));
        assert.equal(k.levels[i], want, `seed ${seed}, value ${i}: idl ${idl[i >> 5]}, x ${k.input[i]}`);
      }
    }
  });
});
