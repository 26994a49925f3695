import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { regionBytes, type WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';
import type { Candidate } from '../../../src/core/plan/costModel';
import { intKernelRoundTrip, PLAN_INT_SCRATCH_BYTES } from '../../../src/core/plan/errors/intRoundTripKernel';
import { roundTripOf, type TensorRange } from '../../../src/core/plan/errors/roundTrip';
import type { IntConventionName, ModelFloat } from '../../../src/core/plan/intConventions';
import { xorshiftUniform } from '../helpers/xorshift';
import { compiledKernels } from '../wasm/compiled';
import { PLAN_FIXTURES } from './expectedPlans';

/** The conventions that round every op to the model's float: the kernel's. */
const KERNEL_CONVENTIONS = ['compressed-tensors', 'torchao-int8'] as const;
const MODELS: readonly ModelFloat[] = ['F32', 'BF16', 'F16'];
type Group = number | 'channel' | 'tensor';

interface Case {
  readonly convention: (typeof KERNEL_CONVENTIONS)[number];
  readonly bits: 4 | 8;
  readonly asymmetric: boolean;
  readonly group: Group;
  readonly model: ModelFloat;
}

/** Every width and zero point the convention supports, at each run size. */
function casesOf(groups: readonly Group[]): Case[] {
  const out: Case[] = [];
  for (const model of MODELS) {
    for (const group of groups) {
      for (const bits of [4, 8] as const) {
        for (const asymmetric of [false, true]) out.push({ convention: 'compressed-tensors', bits, asymmetric, group, model });
      }
      out.push({ convention: 'torchao-int8', bits: 8, asymmetric: false, group, model });
    }
  }
  return out;
}

const candidateOf = (c: Case): Candidate => ({ kind: 'int', bits: c.bits, group: c.group, scale: 'source', zero: c.asymmetric ? 'scale' : 'none', convention: c.convention as IntConventionName });

function finiteRange(x: Float32Array): TensorRange {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    if (v - v !== 0) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

const label = (c: Case): string => `${c.convention} int${c.bits}${c.asymmetric ? ' asym' : ''} ${c.group} ${c.model}`;

/**
 * The TypeScript reference's deq of x (rows of rowLength) and the kernel's, the kernel run on x in
 * its memory in two calls (the first row, then the rest: runs start at the call's first value) with
 * a reference that fails if called, so the kernel alone wrote it.
 */
function bothDeq(kernels: WasmKernels, c: Case, x: Float32Array, rowLength: number, tensorRange = finiteRange(x)): { reference: Float32Array; kernel: Float32Array } {
  const candidate = candidateOf(c);
  const range = c.group === 'tensor' ? tensorRange : null;
  const reference = new Float32Array(x.length);
  roundTripOf(candidate, rowLength, range, c.model)(x, reference, 0, x.length);
  const lease = kernels.lease();
  try {
    lease.reserve(2 * regionBytes(x.length, 4) + regionBytes(PLAN_INT_SCRATCH_BYTES, 1));
    const xs = lease.f32(x.length);
    const deq = lease.f32(x.length);
    const scratch = lease.f32(PLAN_INT_SCRATCH_BYTES / 4);
    xs.view.set(x);
    deq.view.fill(Number.NaN);
    const run = c.group === 'tensor' ? 0 : c.group === 'channel' ? rowLength : c.group;
    const noReference = (): void => assert.fail(`${label(c)}: the kernel fell back to the reference`);
    const roundTrip = intKernelRoundTrip({ lease, scratch: scratch.ptr }, { ...c, run, range }, noReference);
    roundTrip(xs.view, deq.view, 0, rowLength);
    roundTrip(xs.view, deq.view, rowLength, x.length);
    return { reference, kernel: deq.view.slice() };
  } finally {
    lease.release();
  }
}

/** Bit for bit (a NaN is any NaN: payloads are no data); names the first value that differs. */
function assertSameBits(kernel: Float32Array, reference: Float32Array, x: Float32Array, what: string): void {
  const k = new Uint32Array(kernel.buffer, kernel.byteOffset, kernel.length);
  const r = new Uint32Array(reference.buffer, reference.byteOffset, reference.length);
  const wrong = r.findIndex((bits, i) => bits !== k[i] && !(Number.isNaN(kernel[i]) && Number.isNaN(reference[i])));
  assert.equal(wrong, -1, `${what}: value ${wrong}: x ${x[wrong]} -> kernel ${kernel[wrong]} (0x${k[wrong]?.toString(16)}), reference ${reference[wrong]} (0x${r[wrong]?.toString(16)})`);
}

/** Rows of hand-picked values: ties of the integer rounding and of the bf16 / f16 roundings, f16 subnormals, zeros, clamps, non-finite values. */
function handRows(rowLength: number): Float32Array {
  const rows: number[][] = [
    // absmax 7.5 -> scale 1 (int4 symmetric): x / scale ties of the integer rounding, and the clamp of 7.5 at 7
    [7.5, -7.5, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 6.5, -6.5],
    // bf16 ties of x / scale = x (1 + 2^-8, 1 + 3 2^-8), f16 ties (1 + 2^-11, 1 + 3 2^-11), and values rounding to -0
    [7.5, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), 1 + 2 ** -11, 1 + 3 * 2 ** -11, -(1 + 3 * 2 ** -11), -0.25, -0, 0, 2 ** -9, -(2 ** -9)],
    // f16 subnormals of x / scale: half a step (to 0 or -0), one and a half (to 2), just under the smallest normal
    [7.5, 2 ** -25, -(2 ** -25), 3 * 2 ** -25, -3 * 2 ** -25, 2 ** -24, 5 * 2 ** -25, 2 ** -14 - 2 ** -25, -(2 ** -14 - 2 ** -25), 2 ** -14, 2 ** -30, -(2 ** -40)],
    // all zeros: a zero scale becomes the dtype's eps (compressed-tensors), torchao's eps floor
    [0, 0, -0, 0, 0, -0, 0, 0, 0, 0, 0, 0],
    // positive only (asymmetric: the range widened to 0, a zero point at qmin), tiny magnitudes
    [0.5, 4.25, 1e-3, 2e-3, 3.75, 0.126, 1, 2, 3, 4, 0.0625, 1e-7],
    // negative only, and non-finite values: copied through, out of the range
    [-0.5, -4.25, Number.NaN, -3, Infinity, -1, -Infinity, -2.75, -0.3, -0.01, -4, -1e-5],
    // a range as wide as float32's: the scale overflows to infinity in some conventions
    [-3e38, 3e38, 1, -1, 0, 2.5e38, -1e38, 7, 0.5, -0.5, 1e30, -1e-30],
    // no finite value at all
    [Number.NaN, Infinity, -Infinity, Number.NaN, Number.NaN, Infinity, -Infinity, Number.NaN, Number.NaN, Number.NaN, Infinity, Number.NaN],
    // a range so small that an f16 scale is subnormal, and so its dequantized values
    [2 ** -20, -(2 ** -21), 3 * 2 ** -23, 2 ** -22, -(2 ** -20), 5 * 2 ** -24, 1e-7, -3e-7, 2 ** -24, 0, 7 * 2 ** -23, -(2 ** -23)],
  ];
  const x = new Float32Array(rows.length * rowLength);
  rows.forEach((row, r) => {
    for (let j = 0; j < rowLength; j++) x[r * rowLength + j] = row[j % row.length]! * (j < row.length ? 1 : 0.5 ** Math.floor(j / row.length));
  });
  return x;
}

/** Weight-like values (mixed magnitudes and signs) and, every other row, random float32 bit patterns (finite, below f16's range). */
function randomRows(rows: number, rowLength: number, seed: number): Float32Array {
  const next = xorshiftUniform(seed);
  const x = new Float32Array(rows * rowLength);
  const bits = new Uint32Array(1);
  const pattern = new Float32Array(bits.buffer);
  for (let i = 0; i < x.length; i++) {
    if (Math.floor(i / rowLength) % 2 === 0) {
      x[i] = (next() - 0.5) * 10 ** Math.floor(next() * 5 - 3);
      continue;
    }
    do bits[0] = Math.floor(next() * 2 ** 32);
    while (!(Math.abs(pattern[0]!) < 6e4));
    x[i] = pattern[0]!;
  }
  return x;
}

/** x rounded to the model's float, as a checkpoint of that type holds it (f16's range kept). */
function asModel(x: Float32Array, model: ModelFloat): Float32Array {
  if (model === 'F32') return x;
  const out = new Float32Array(x.length);
  const bits = new Uint32Array(out.buffer);
  out.set(x);
  const shift = model === 'BF16' ? 16 : 13;
  for (let i = 0; i < out.length; i++) if (Number.isFinite(out[i]) && Math.abs(out[i]!) >= 2 ** -14) bits[i] = (bits[i]! >>> shift) << shift;
  return out;
}

describe('plan int round trips in WebAssembly equal the TypeScript reference bit for bit', function () {
  this.timeout(120_000);
  let kernels: WasmKernels;

  before(async () => {
    kernels = await compiledKernels();
  });

  it('hand vectors: ties, f16 subnormals, zero scales, clamps, non-finite values; int4 / int8, symmetric / asymmetric, runs of 4, 5, 6, 10, rows and tensors', () => {
    for (const [rowLength, groups] of [[12, [4, 6, 'channel', 'tensor']], [20, [5, 10, 'channel', 'tensor']]] as const) {
      const x = handRows(rowLength);
      for (const c of casesOf(groups)) {
        const { reference, kernel } = bothDeq(kernels, c, x, rowLength);
        assertSameBits(kernel, reference, x, `${label(c)}, rows of ${rowLength}`);
      }
    }
  });

  it('the hand vectors reach what they are there for: clamps at qmin and qmax, -0, the eps scale, f16 subnormal results, non-finite values copied', () => {
    const x = handRows(12);
    const deqOf = (c: Case): Float32Array => bothDeq(kernels, c, x, 12).kernel;
    const ct4 = deqOf({ convention: 'compressed-tensors', bits: 4, asymmetric: false, group: 'channel', model: 'F32' });
    assert.deepEqual([...ct4.subarray(0, 3)], [7, -8, 0]); // 7.5 clamped at qmax; -7.5 -> -8 (half to even); 0.5 -> 0 (half to even)
    // -0.25 and -0 round to +0 in the reference (its 2^52 trick), -0 in f32x4.nearest
    assert.ok(Object.is(ct4[19], 0) && Object.is(ct4[20], 0));
    const f16 = deqOf({ convention: 'compressed-tensors', bits: 4, asymmetric: false, group: 'channel', model: 'F16' });
    assert.ok(f16.subarray(96, 108).some((v) => v !== 0 && Math.abs(v) < 2 ** -14), 'an f16 subnormal result');
    const nonFinite = deqOf({ convention: 'torchao-int8', bits: 8, asymmetric: false, group: 4, model: 'BF16' });
    assert.ok(Number.isNaN(nonFinite[62]) && nonFinite[64] === Infinity && nonFinite[66] === -Infinity);
    // a tensor range of [0, 0]: a zero scale, replaced by the dtype's eps (bf16: 2^-7): 0.03 / 2^-7 = 3.84 -> 4
    const tensor: Case = { convention: 'compressed-tensors', bits: 4, asymmetric: true, group: 'tensor', model: 'BF16' };
    const eps = bothDeq(kernels, tensor, Float32Array.from([0.03, -0.03, 0, 1]), 4, { min: 0, max: 0 });
    assertSameBits(eps.kernel, eps.reference, Float32Array.from([0.03, -0.03, 0, 1]), 'eps scale');
    assert.deepEqual([...eps.kernel], [4 / 128, -4 / 128, 0, 7 / 128]);
    // values beyond the tensor range given: clamped at qmin and qmax (int4 symmetric: scale 1 / 7.5; torchao int8: 1 / 127.5)
    const wide = Float32Array.from([-5, 5, -1, 1]);
    const ct = bothDeq(kernels, { convention: 'compressed-tensors', bits: 4, asymmetric: false, group: 'tensor', model: 'F32' }, wide, 4, { min: -1, max: 1 });
    assertSameBits(ct.kernel, ct.reference, wide, 'compressed-tensors clamps');
    const ctScale = Math.fround(1 / 7.5);
    assert.deepEqual([...ct.kernel.subarray(0, 2)], [Math.fround(-8 * ctScale), Math.fround(7 * ctScale)]);
    const ao = bothDeq(kernels, { convention: 'torchao-int8', bits: 8, asymmetric: false, group: 'tensor', model: 'F32' }, wide, 4, { min: -1, max: 1 });
    assertSameBits(ao.kernel, ao.reference, wide, 'torchao clamps');
    const aoScale = Math.fround(1 / 127.5);
    assert.deepEqual([...ao.kernel.subarray(0, 2)], [Math.fround(-128 * aoScale), Math.fround(127 * aoScale)]);
    // a tensor with no finite value: the range [0, 0] too, every value copied through
    const none = Float32Array.from([Number.NaN, Infinity, -Infinity, Number.NaN]);
    for (const c of casesOf(['tensor'])) assertSameBits(bothDeq(kernels, c, none, 4).kernel, none, none, `${label(c)}, no finite value`);
  });

  it('the tools\' own fixture (scripts/fixtures/fixtures_int_conventions.py): the kernel gives the tool\'s values, and the reference\'s in every model float', () => {
    const { cases } = JSON.parse(readFileSync(path.join(PLAN_FIXTURES, 'int_conventions.json'), 'utf8')) as {
      cases: { convention: IntConventionName; bits: 4 | 8; asymmetric: boolean; model: ModelFloat; group: number; x: number[]; deq: number[] }[];
    };
    const ours = cases.filter((c) => (KERNEL_CONVENTIONS as readonly string[]).includes(c.convention));
    assert.equal(ours.length, 8);
    for (const f of ours) {
      const x = Float32Array.from(f.x);
      const c = { convention: f.convention as Case['convention'], bits: f.bits, asymmetric: f.asymmetric, group: f.group, model: f.model };
      const { reference, kernel } = bothDeq(kernels, c, x, f.group);
      // the tool's zeros keep their sign (torch.round(-0.3) is -0), the reference's are +0: the same values
      const wrong = f.deq.findIndex((v, i) => v !== kernel[i]);
      assert.equal(wrong, -1, `${label(c)}: value ${wrong}: ${x[wrong]} -> ${kernel[wrong]}, the tool gives ${f.deq[wrong]}`);
      for (const model of MODELS) {
        const other = bothDeq(kernels, { ...c, model }, x, f.group);
        assertSameBits(other.kernel, other.reference, x, `${label({ ...c, model })} on the fixture's x`);
      }
      assertSameBits(kernel, reference, x, label(c));
    }
  });

  it('random weights and random float32 bit patterns, in float32 and as the model float holds them: rows of 4096 (groups of 128 and 32, channels, tensor), rows of 130', () => {
    for (const [rowLength, groups] of [[4096, [128, 32, 'channel', 'tensor']], [130, [65, 'channel', 'tensor']]] as const) {
      const raw = randomRows(6, rowLength, rowLength);
      for (const c of casesOf(groups)) {
        for (const x of [raw, asModel(raw, c.model)]) {
          const { reference, kernel } = bothDeq(kernels, c, x, rowLength);
          assertSameBits(kernel, reference, x, `${label(c)}, rows of ${rowLength}`);
          assert.ok(kernel.some((v, i) => v !== x[i]), `${label(c)}: not the identity`);
        }
      }
    }
  });

  it('falls back to the reference for arrays outside the kernel\'s memory, and runs no other convention', () => {
    const lease = kernels.lease();
    try {
      lease.reserve(regionBytes(PLAN_INT_SCRATCH_BYTES, 1));
      const memory = { lease, scratch: lease.f32(PLAN_INT_SCRATCH_BYTES / 4).ptr };
      const calls: number[] = [];
      const reference = (_x: Float32Array, _deq: Float32Array, from: number, to: number): void => void calls.push(from, to);
      const spec = { convention: 'compressed-tensors', bits: 4, asymmetric: false, run: 4, range: null, model: 'BF16' } as const;
      intKernelRoundTrip(memory, spec, reference)(new Float32Array(8), new Float32Array(8), 4, 8);
      assert.deepEqual(calls, [4, 8]);
      assert.equal(intKernelRoundTrip(memory, { ...spec, convention: 'modelopt' }, reference), reference);
    } finally {
      lease.release();
    }
  });
});
