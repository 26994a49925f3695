import * as assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import type { ByteSource } from '../../../src/core/io/byteSource';
import { MemoryByteSource } from '../../../src/core/io/byteSource';
import { InflatedByteSource } from '../../../src/core/io/inflatedSource';

/** Counts the compressed bytes read, to show how much each access pattern costs. */
class CountingSource implements ByteSource {
  bytesRead = 0;
  constructor(private readonly inner: MemoryByteSource) {}
  get name() { return this.inner.name; }
  get size() { return this.inner.size; }
  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    this.bytesRead += length;
    return this.inner.read(offset, length, format);
  }
  async close(): Promise<void> {}
}

/** Incompressible-ish but reproducible bytes (a xorshift stream), so compressed size ~ plain size. */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 0x12345678;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('inflated member source', () => {
  const plain = noise(1_000_000);
  const compressed = deflateRawSync(plain);

  function source(): { counting: CountingSource; member: InflatedByteSource } {
    const counting = new CountingSource(new MemoryByteSource('z', compressed));
    return { counting, member: new InflatedByteSource('m', counting, 0, compressed.length, plain.length) };
  }

  it('returns the right bytes for reads at any offset, forwards and backwards', async () => {
    const { member } = source();
    for (const [offset, length] of [[0, 10], [5, 100_000], [999_990, 10], [3, 7], [500_000, 65_536], [0, 1_000_000], [123_456, 1]]) {
      const got = await member.read(offset!, length!, 'zip');
      assert.deepEqual(got, plain.subarray(offset!, offset! + length!), `read ${offset}+${length}`);
    }
    await member.close();
  });

  it('reads in increasing order cost one pass over the compressed bytes', async () => {
    const { counting, member } = source();
    for (let at = 0; at < plain.length; at += 50_000) await member.read(at, 50_000, 'zip');
    assert.ok(counting.bytesRead <= compressed.length, `${counting.bytesRead} > ${compressed.length}`);
    await member.close();
  });

  it('a backward read restarts from the start of the member', async () => {
    const { counting, member } = source();
    await member.read(900_000, 10, 'zip');
    const before = counting.bytesRead;
    assert.deepEqual(await member.read(10, 10, 'zip'), plain.subarray(10, 20));
    assert.ok(counting.bytesRead > before);
    await member.close();
  });

  it('concurrent reads are served one at a time, each correct', async () => {
    const { member } = source();
    const spans = [[700_000, 1000], [10, 1000], [400_000, 1000], [999_000, 1000]] as const;
    const results = await Promise.all(spans.map(([o, l]) => member.read(o, l, 'zip')));
    spans.forEach(([o, l], i) => assert.deepEqual(results[i], plain.subarray(o, o + l)));
    await member.close();
  });

  it('a read that needs no inflating leaves no stream to fail on its own (found by fuzzing: an uncaught error)', async () => {
    // A deflated record declaring 0 bytes: reading it started a pass nobody consumed; its
    // corrupt stream then failed with no listener (pipeline had stopped listening): uncaught.
    const corrupt = Uint8Array.of(0x00, 0x00);
    const member = new InflatedByteSource('m', new MemoryByteSource('z', corrupt), 0, corrupt.length, 0);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      assert.deepEqual(await member.read(0, 0, 'zip'), new Uint8Array(0));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(uncaught, []);
    } finally {
      process.off('uncaughtException', onUncaught);
      await member.close();
    }
  });
});
