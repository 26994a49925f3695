import * as assert from 'node:assert/strict';
import { FormatError } from '../../../src/core/errors';
import { MemoryByteSource } from '../../../src/core/io/byteSource';
import { RepeatedScalar } from '../../../src/core/protobuf/repeatedScalar';
import { VARINT_OVERFLOW, VARINT_TRUNCATED, VarintDecoder, varintToInt64, varintToUint64 } from '../../../src/core/protobuf/varint';
import { countVarints, varintRunData } from '../../../src/core/protobuf/varintRunData';
import { fixedRunData } from '../../../src/core/protobuf/fixedRunData';
import { MAX_MESSAGE_DEPTH, ProtoWalker, type Field, type Span } from '../../../src/core/protobuf/walker';
import { WindowedSource } from '../../../src/core/protobuf/windowedSource';
import { VARINT_SINKS } from '../../../src/core/formats/onnx/varintSinks';
import { concat, f32bytes, f32field, lfield, sfield, tag, varint, vfield } from './encode';

function walkerOver(bytes: Uint8Array, windowBytes?: number): ProtoWalker {
  return new ProtoWalker(new WindowedSource(new MemoryByteSource('mem', bytes), 'test', windowBytes));
}

async function fieldsOf(walker: ProtoWalker, span: Span = walker.file): Promise<Field[]> {
  const out: Field[] = [];
  await walker.walk(span, (f) => { out.push(f); });
  return out;
}

async function rejectsFormat(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof FormatError && pattern.test(e.message));
}

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('protobuf varints', () => {
  const decoder = new VarintDecoder();
  const decode = (bytes: readonly number[]): number => decoder.decode(Uint8Array.from(bytes), 0, bytes.length);

  it('decodes every length from 1 to 10 bytes exactly, as 64-bit halves', () => {
    const values = [0n, 1n, 127n, 128n, 150n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 35n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];
    for (const v of values) {
      const bytes = varint(v);
      assert.equal(decode(bytes), bytes.length, `length of ${v}`);
      assert.equal(varintToUint64(decoder.lo, decoder.hi), v, `value ${v}`);
    }
    assert.equal(varint(2n ** 64n - 1n).length, 10);
  });

  it('reads negative int64 (10-byte two complement) as signed', () => {
    decode(varint(-1));
    assert.equal(varintToInt64(decoder.lo, decoder.hi), -1n);
    decode(varint(-(2n ** 62n)));
    assert.equal(varintToInt64(decoder.lo, decoder.hi), -(2n ** 62n));
  });

  it('refuses varints over 64 bits and reports truncation', () => {
    assert.equal(decode([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]), VARINT_OVERFLOW);
    assert.equal(decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), VARINT_OVERFLOW);
    assert.equal(decode([0x80]), VARINT_TRUNCATED);
    assert.equal(decode([]), VARINT_TRUNCATED);
  });
});

describe('protobuf walker', () => {
  it('lists fields with their wire types and locates payloads without reading them', async () => {
    const bytes = concat(vfield(1, 300), sfield(2, 'hi'), f32field(3, 1.5), tag(4, 1), new Uint8Array(8));
    const fields = await fieldsOf(walkerOver(bytes));
    assert.deepEqual(fields.map((f) => [f.number, f.wireType, f.offset, f.length]), [[1, 0, 1, 2], [2, 2, 5, 2], [3, 5, 8, 4], [4, 1, 13, 8]]);
    assert.equal(fields[0]!.lo, 300);
  });

  it('gives the same fields through a tiny window (varints straddling refills)', async () => {
    const bytes = concat(...Array.from({ length: 50 }, (_, i) => concat(vfield(i + 1, 2n ** BigInt(i)), sfield(100 + i, 'x'.repeat(i)))));
    const big = await fieldsOf(walkerOver(bytes));
    const tiny = await fieldsOf(walkerOver(bytes, 11));
    assert.deepEqual(tiny, big);
    assert.equal(big.length, 100);
  });

  it('refuses groups, invalid wire types and field number 0', async () => {
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from(tag(1, 3)))), /group/);
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from(tag(1, 4)))), /group/);
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from(tag(1, 6)))), /invalid wire type 6/);
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from([0x00, 0x01]))), /invalid field tag/);
  });

  it('refuses a length past the end of the enclosing message, not only of the file', async () => {
    const inner = concat(tag(1, 2), varint(10), [1, 2]);
    const outer = concat(lfield(5, inner), sfield(6, 'padding that the inner length reaches into'));
    const walker = walkerOver(outer);
    const [f] = await fieldsOf(walker);
    await rejectsFormat(fieldsOf(walker, walker.span(f!, 'outer')), /needs bytes .* ends at/);
    await rejectsFormat(fieldsOf(walkerOver(concat(tag(1, 2), varint(2n ** 60n)))), /impossible length|ends at/);
    await rejectsFormat(fieldsOf(walkerOver(concat(tag(1, 2), varint(2n ** 54n)))), /impossible length/);
  });

  it('refuses a varint or fixed value cut by the end of its message', async () => {
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from([...tag(1, 0), 0x80, 0x80]))), /runs past the end/);
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from([...tag(1, 5), 1, 2]))), /needs bytes/);
    await rejectsFormat(fieldsOf(walkerOver(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))), /longer than 64 bits/);
  });

  it(`refuses messages nested deeper than ${MAX_MESSAGE_DEPTH}`, async () => {
    let bytes: Uint8Array = Uint8Array.from(vfield(1, 1));
    for (let i = 0; i < MAX_MESSAGE_DEPTH + 5; i++) bytes = lfield(1, bytes);
    const walker = walkerOver(bytes);
    const descend = async (span: Span): Promise<void> => {
      await walker.walk(span, async (f) => { if (f.wireType === 2) await descend(walker.span(f, 'nested')); });
    };
    await rejectsFormat(descend(walker.file), /nested deeper than 100/);
  });

  it('reads loaded text strictly: limit and UTF-8 checked', async () => {
    const walker = walkerOver(concat(sfield(1, 'héllo'), lfield(2, [0xff, 0xfe])), 4);
    const seen: unknown[] = [];
    await walker.walk(walker.file, (f) => {
      for (const limit of [100, 3]) {
        try {
          seen.push(walker.text(f, `f${f.number}`, limit));
        } catch (e) {
          seen.push(e instanceof FormatError ? e.message : e);
        }
      }
    }, new Set([1, 2]));
    assert.deepEqual(seen, ['héllo', 'f1 is 6 bytes, over the 3-byte limit', 'f2 is not valid UTF-8', 'f2 is not valid UTF-8']);
  });

  it('reads packed varints of a loaded field', async () => {
    const walker = walkerOver(lfield(1, [...varint(3), ...varint(300), ...varint(2n ** 40n)]));
    let dims: number[] = [];
    await walker.walk(walker.file, (f) => { dims = walker.packedVarints(f, 'dims', 3).map((v) => walker.count(v, 'dim')); }, new Set([1]));
    assert.deepEqual(dims, [3, 300, 2 ** 40]);
    await rejectsFormat(walker.walk(walker.file, (f) => { walker.packedVarints(f, 'dims', 2); }, new Set([1])), /exceeds|more than 2/);
  });
});

describe('repeated scalar runs', () => {
  it('decodes 20000 varints of every width in any chunking, resuming from checkpoints', async () => {
    const rand = prng(1);
    const expected: bigint[] = Array.from({ length: 20000 }, () => BigInt.asIntN(64, BigInt(Math.floor(rand() * 2 ** 32)) << BigInt(Math.floor(rand() * 40))) * (rand() < 0.3 ? -1n : 1n));
    const payload = concat(...expected.map((v) => varint(v)));
    const bytes = concat(lfield(7, payload));
    const walker = walkerOver(bytes);
    const run = new RepeatedScalar('varint', 'int64_data');
    for (const f of await fieldsOf(walker)) run.add(f, walker);
    assert.equal(await countVarints(walker.src.source, 'test', run), expected.length);
    const data = varintRunData(walker.src.source, 'test', run, expected.length, VARINT_SINKS.I64!);
    assert.deepEqual([...(await data.read(0, expected.length))], expected);
    for (let i = 0; i < 40; i++) {
      const start = Math.floor(rand() * expected.length);
      const count = Math.floor(rand() * (expected.length - start));
      assert.deepEqual([...(await data.read(start, count))], expected.slice(start, start + count), `${start}+${count}`);
    }
  });

  it('accepts unpacked and split packed runs, in order', async () => {
    const bytes = concat(vfield(5, 7), lfield(5, [...varint(8), ...varint(-9)]), vfield(5, 10), f32field(4, 1.5), lfield(4, f32bytes([2.5, -3])), f32field(4, 4));
    const walker = walkerOver(bytes);
    const ints = new RepeatedScalar('varint', 'int32_data');
    const floats = new RepeatedScalar('fixed32', 'float_data');
    for (const f of await fieldsOf(walker)) (f.number === 5 ? ints : floats).add(f, walker);
    const src = walker.src.source;
    assert.deepEqual([...(await varintRunData(src, 'test', ints, 4, VARINT_SINKS.I32!).read(0, 4))], [7, 8, -9, 10]);
    const f = fixedRunData(src, 'test', floats, 'F32', 4);
    assert.deepEqual([...(await f.read(0, 4))], [1.5, 2.5, -3, 4]);
    assert.deepEqual([...(await f.read(1, 2))], [2.5, -3]);
  });

  it('reports too few or too many varints, and a varint cut at the end of its run', async () => {
    const walker = walkerOver(concat(lfield(5, [1, 2, 3]), lfield(6, [1, 0x80])));
    const [a, b] = await fieldsOf(walker);
    const run = new RepeatedScalar('varint', 'int32_data');
    run.add(a!, walker);
    const src = walker.src.source;
    await rejectsFormat(varintRunData(src, 'test', run, 4, VARINT_SINKS.I32!).read(0, 4), /holds 3 values but the shape needs 4/);
    await rejectsFormat(varintRunData(src, 'test', run, 2, VARINT_SINKS.I32!).read(0, 2), /more values/);
    const cut = new RepeatedScalar('varint', 'int32_data');
    cut.add(b!, walker);
    await rejectsFormat(countVarints(src, 'test', cut), /runs past the end/);
    await rejectsFormat(varintRunData(src, 'test', cut, 2, VARINT_SINKS.I32!).read(0, 2), /runs past the end/);
  });

  it('refuses a packed fixed32 run that is not a whole number of values', async () => {
    const walker = walkerOver(lfield(4, [1, 2, 3]));
    const [f] = await fieldsOf(walker);
    assert.throws(() => new RepeatedScalar('fixed32', 'float_data').add(f!, walker), /not a whole number/);
  });
});
