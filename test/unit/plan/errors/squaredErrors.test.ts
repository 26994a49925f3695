import * as assert from 'node:assert/strict';
import type { WasmKernels } from '../../../../src/core/analysis/engine/wasmKernels';
import { chunkSquares } from '../../../../src/core/plan/errors/squaredErrors';
import { xorshiftUniform } from '../../helpers/xorshift';
import { compiledKernels } from '../../wasm/compiled';

/** The kernel sums in 4 f64 lanes, the reference in 1 per row: the same sums but for the last bits. */
const SUM_RELATIVE_TOLERANCE = 1e-12;

function close(actual: number, expected: number, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= SUM_RELATIVE_TOLERANCE * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

/** Values of mixed magnitudes with NaN and infinities scattered in, and a round trip that is near them. */
function chunkOf(n: number, seed: number): { x: Float32Array; q: Float32Array } {
  const next = xorshiftUniform(seed);
  const x = new Float32Array(n);
  const q = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (next() - 0.5) * 10 ** Math.floor(next() * 6 - 3);
    q[i] = x[i]! + (next() - 0.5) * 1e-2 * Math.abs(x[i]!);
  }
  const specials = [Number.NaN, Infinity, -Infinity, 0, -0];
  for (let k = 0; k < specials.length; k++) {
    const i = Math.floor(next() * n);
    x[i] = specials[k]!;
    q[i] = specials[k]!;
  }
  return { x, q };
}

function weightsOf(n: number, seed: number): Float32Array {
  const next = xorshiftUniform(seed);
  return Float32Array.from({ length: n }, () => next() * 3);
}

/** The reference, one row in one sum: sum_j w_j (x_j - q_j)^2 over one row (q null: sum_j w_j x_j^2); non-finite values carry no comparable error. */
function weightedSquares(x: Float32Array, q: Float32Array | null, from: number, length: number, w: Float32Array | null): number {
  let sum = 0;
  for (let j = 0; j < length; j++) {
    const v = x[from + j]!;
    if (v - v !== 0) continue;
    const d = q === null ? v : v - q[from + j]!;
    sum += (w === null ? 1 : w[j]!) * d * d;
  }
  return sum;
}

/** The reference's sums over each matrix's rows (x^2 and (x - q)^2), as tensorErrors adds them. */
function referenceSums(x: Float32Array, q: Float32Array, rowLength: number, rowsPerMatrix: number, weights: Float32Array | null): [number, number] {
  let signal = 0;
  let noise = 0;
  for (let row = 0; row < x.length / rowLength; row++) {
    const matrix = Math.floor(row / rowsPerMatrix);
    const w = weights?.subarray(matrix * rowLength, (matrix + 1) * rowLength) ?? null;
    signal += weightedSquares(x, null, row * rowLength, rowLength, w);
    noise += weightedSquares(x, q, row * rowLength, rowLength, w);
  }
  return [signal, noise];
}

describe('plan errors: squared-error sums in WebAssembly equal the TypeScript reference', function () {
  this.timeout(120_000);
  let kernels: WasmKernels;

  before(async () => {
    kernels = await compiledKernels();
  });

  for (const rowLength of [4096, 256, 33, 7, 1]) {
    for (const weighted of [false, true]) {
      it(`rows of ${rowLength}, ${weighted ? 'imatrix-weighted by matrix' : 'unweighted'}, with NaN and infinities`, () => {
        const rowsPerMatrix = 3;
        const matrices = 4;
        const { x, q } = chunkOf(rowLength * rowsPerMatrix * matrices, rowLength);
        const weights = weighted ? weightsOf(rowLength * matrices, rowLength + 1) : null;
        const [signal, noise] = referenceSums(x, q, rowLength, rowsPerMatrix, weights);
        assert.ok(signal > 0 && noise > 0 && noise < signal);
        const bySquares: [number, number][] = [];
        for (const squares of [chunkSquares(kernels, x.length + 5, rowLength, weights), chunkSquares(null, x.length, rowLength, weights)]) {
          try {
            const values = squares.take(x);
            squares.deq.set(q);
            let gotSignal = 0;
            let gotNoise = 0;
            for (let m = 0; m < matrices; m++) {
              gotSignal += squares.sum(false, m * rowsPerMatrix, rowsPerMatrix, weighted ? m : null);
              gotNoise += squares.sum(true, m * rowsPerMatrix, rowsPerMatrix, weighted ? m : null);
            }
            assert.deepEqual(values, x);
            close(gotSignal, signal, 'signal');
            close(gotNoise, noise, 'noise');
            bySquares.push([gotSignal, gotNoise]);
          } finally {
            squares.release();
          }
        }
        // a thread without the kernel (the extension host) must price exactly as the pool's workers do
        assert.deepEqual(bySquares[1], bySquares[0], 'the TypeScript sums equal the kernel\'s to the last bit');
      });
    }
  }

  it('sums a part of the rows only, and a round trip that overflowed (finite x, infinite q) makes the noise infinite', () => {
    const rowLength = 64;
    const { x, q } = chunkOf(rowLength * 6, 99);
    x.fill(0.5, 2 * rowLength, 3 * rowLength);
    q[2 * rowLength + 9] = Infinity;
    const squares = chunkSquares(kernels, x.length, rowLength, null);
    try {
      squares.take(x);
      squares.deq.set(q);
      close(squares.sum(false, 2, 1, null), 0.25 * rowLength, 'one row of 0.5');
      assert.equal(squares.sum(true, 1, 3, null), Infinity);
      close(squares.sum(true, 3, 3, null), referenceSums(x.subarray(3 * rowLength), q.subarray(3 * rowLength), rowLength, 3, null)[1], 'rows 3..5');
    } finally {
      squares.release();
    }
  });
});
