import * as assert from 'node:assert/strict';
import { fortranStrides, isRowMajor, stridedData, STRIDED_WINDOW_BYTES, viewExtent } from '../../../src/core/dtypes/strided';
import type { ByteSource } from '../../../src/core/io/byteSource';
import { MemoryByteSource } from '../../../src/core/io/byteSource';

/** Storage element index of each row-major element, computed the obvious way. */
function reference(shape: number[], strides: number[]): number[] {
  const out: number[] = [];
  const numel = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < numel; i++) {
    let rest = i;
    let index = 0;
    for (let k = shape.length - 1; k >= 0; k--) {
      index += (rest % shape[k]!) * strides[k]!;
      rest = Math.floor(rest / shape[k]!);
    }
    out.push(index);
  }
  return out;
}

class CountingSource implements ByteSource {
  largestRead = 0;
  constructor(private readonly inner: MemoryByteSource) {}
  get name() { return this.inner.name; }
  get size() { return this.inner.size; }
  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    this.largestRead = Math.max(this.largestRead, length);
    return this.inner.read(offset, length, format);
  }
  async close(): Promise<void> {}
}

describe('strided views', () => {
  const storage = Float32Array.from({ length: 200 }, (_, i) => i * 0.5 - 7);
  const source = new MemoryByteSource('s', new Uint8Array(storage.buffer));

  const cases: Array<[string, number[], number[], number]> = [
    ['transposed', [4, 3], [1, 4], 0],
    ['permuted 3-d', [5, 3, 4], [1, 20, 5], 0],
    ['stepped slice', [3, 2, 3], [20, 10, 1], 1],
    ['expanded (stride 0)', [3, 4], [1, 0], 5],
    ['channels_last', [2, 3, 2, 2], [12, 1, 6, 3], 0],
    ['fortran', [2, 3, 4], fortranStrides([2, 3, 4]), 3],
  ];

  for (const [label, shape, strides, offset] of cases) {
    it(`${label}: every (start, count) equals the row-major gather`, async () => {
      const data = stridedData({ source, format: 'test', offset: offset * 4, dtype: 'F32', shape, strides });
      const want = reference(shape, strides).map((i) => storage[offset + i]!);
      for (let start = 0; start <= want.length; start++) {
        for (let count = 0; start + count <= want.length; count += 3) {
          assert.deepEqual(Array.from(await data.read(start, count) as Float32Array), want.slice(start, start + count), `${start}+${count}`);
        }
      }
    });
  }

  it('decodes big-endian and 64-bit elements through the gather', async () => {
    const bytes = Buffer.alloc(6 * 8);
    [1n, -2n, 3n, 2n ** 60n, 5n, -6n].forEach((v, i) => bytes.writeBigInt64BE(v, i * 8));
    const data = stridedData({ source: new MemoryByteSource('b', new Uint8Array(bytes)), format: 'test', offset: 0, dtype: 'I64', shape: [3, 2], strides: [1, 3], littleEndian: false });
    assert.deepEqual(Array.from(await data.read(0, 6) as BigInt64Array), [1n, 2n ** 60n, -2n, 5n, 3n, -6n]);
  });

  it(`reads views wider than STRIDED_WINDOW_BYTES (${STRIDED_WINDOW_BYTES}) in bounded windows`, async () => {
    const columns = 5_000_000;
    const big = new Float32Array(2 * columns);
    for (let i = 0; i < big.length; i++) big[i] = i;
    const counting = new CountingSource(new MemoryByteSource('big', new Uint8Array(big.buffer)));
    // The transpose of a [2, columns] row-major matrix: each row-major run touches both halves.
    const data = stridedData({ source: counting, format: 'test', offset: 0, dtype: 'F32', shape: [columns, 2], strides: [1, columns] });
    const got = await data.read(4_999_990 * 2, 20);
    assert.deepEqual(Array.from(got as Float32Array), Array.from({ length: 20 }, (_, i) => (i % 2) * columns + 4_999_990 + Math.floor(i / 2)));
    const spread = await data.read(0, 4);
    assert.deepEqual(Array.from(spread as Float32Array), [0, columns, 1, columns + 1]);
    assert.ok(counting.largestRead <= STRIDED_WINDOW_BYTES, `read ${counting.largestRead} bytes at once`);
  });

  it('computes extents, row-major-ness and Fortran strides', () => {
    assert.equal(viewExtent([2, 3], [3, 1]), 6);
    assert.equal(viewExtent([3, 4], [1, 0]), 3);
    assert.equal(viewExtent([0, 5], [5, 1]), 0);
    assert.equal(viewExtent([], []), 1);
    assert.ok(isRowMajor([2, 3], [3, 1]));
    assert.ok(isRowMajor([1, 3], [99, 1]));
    assert.ok(!isRowMajor([3, 2], [1, 3]));
    assert.deepEqual(fortranStrides([2, 3, 4]), [1, 2, 6]);
  });
});
