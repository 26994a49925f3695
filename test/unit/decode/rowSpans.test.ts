import * as assert from 'node:assert/strict';
import { openModel } from '../../../src/core/formats/registry';
import { decodeStoredGroup, decodeStoredRows, decodesRows, findStoredGroups } from '../../../src/core/decode/index';
import { blockRows, decodeStorages, ROW_BLOCK_VALUES } from '../../../src/core/decode/decodedModel';
import { memberSource, type MemberReadLimits } from '../../../src/core/decode/memberSource';
import type { RowSpan, StoredGroup } from '../../../src/core/decode/storage';
import { firstFloatMismatch } from '../ggml/fixtures';
import { fixtureBytes, fixturePath, storageView } from './fixtures';
import { openFromBytes } from '../helpers/memoryOpen';
import { safetensorsReader } from '../../../src/core/formats/safetensors';

/** Every storage fixture that decodes rows (the ONNX ones decode whole: see onnxQdq.ts). */
const ROW_FILES = ['gptq.safetensors', 'awq.safetensors', 'bnb.safetensors', 'compressed.safetensors', 'fp8.safetensors', 'nvfp4.safetensors'];

/**
 * Read limits far below the fixtures' member sizes, so every path of memberSource runs: a row wider
 * than a read, bands of whole rows, slabs kept and slabs too narrow for the next span.
 */
const LIMITS: readonly MemberReadLimits[] = [
  { readValues: 7, slabValues: 40 },
  { readValues: 100, slabValues: 300 },
  { readValues: 1 << 20, slabValues: 1 << 24 },
];

/** Span lengths: single rows, lengths prime to the group sizes (32, 64, 128) and block edges (16, 128, 64 values), all rows. */
const SPAN_ROWS = [1, 3, 5, 7, 13, 40];

/** Rows [0, total) in spans of `length` from 0 (the last one ragged), in order, then the same spans backwards. */
function spans(total: number, length: number): RowSpan[] {
  const forward: RowSpan[] = [];
  for (let first = 0; first < total; first += length) forward.push({ first, end: Math.min(total, first + length) });
  return [...forward, ...[...forward].reverse()];
}

function rowsOf(group: StoredGroup): number {
  return group.shape[0]!;
}

describe('row spans of quantized storages: each equals its slice of the whole decode, bit for bit (test/fixtures/storages)', () => {
  for (const file of ROW_FILES) {
    it(`${file}: every span of every group, with reads of at most the limit`, async () => {
      // Held in memory: the many tiny reads of the smallest limits cost no file calls.
      const model = await openFromBytes(safetensorsReader, { [file]: fixtureBytes(file) });
      try {
        const { summary, read } = storageView(model);
        const { groups } = await findStoredGroups(summary, read);
        assert.ok(groups.length >= 2, `${file}: ${groups.length} groups`);
        for (const group of groups) {
          assert.ok(decodesRows(group), `${group.storage} decodes rows`);
          const whole = await decodeStoredGroup(group, read);
          const cols = whole.length / rowsOf(group);
          for (const limits of LIMITS) {
            const requested: number[] = [];
            const source = memberSource((name) => model.tensors.find((t) => t.name === name)?.numel, async (name, start, count) => {
              requested.push(count);
              const t = model.tensors.find((x) => x.name === name)!;
              return t.data.read(start, count);
            }, limits);
            for (const length of [...SPAN_ROWS, rowsOf(group)]) {
              for (const span of spans(rowsOf(group), length)) {
                const got = await decodeStoredRows(group, source, span);
                const want = whole.subarray(span.first * cols, span.end * cols);
                const at = firstFloatMismatch(got, want);
                assert.equal(at, -1, at < 0 ? '' : `${group.logical} rows ${span.first}..${span.end} (limits ${JSON.stringify(limits)}) value ${at}: ${got[at]}, whole decode ${want[at]}`);
              }
            }
            assert.ok(Math.max(...requested) <= limits.readValues, `${group.logical}: a read of ${Math.max(...requested)} values, limit ${limits.readValues}`);
          }
        }
      } finally {
        await model.close();
      }
    });
  }

  it('an empty span is no values; a span past the last row is a one-line FormatError', async () => {
    const model = await openModel([fixturePath('gptq.safetensors')]);
    try {
      const { summary, read } = storageView(model);
      const group = (await findStoredGroups(summary, read)).groups[0]!;
      const source = memberSource((name) => model.tensors.find((t) => t.name === name)?.numel, (name, start, count) => model.tensors.find((t) => t.name === name)!.data.read(start, count));
      assert.equal((await decodeStoredRows(group, source, { first: 5, end: 5 })).length, 0);
      await assert.rejects(decodeStoredRows(group, source, { first: 60, end: 65 }), /rows 60\.\.65 are outside 0\.\.64/);
    } finally {
      await model.close();
    }
  });

  it('a block is a power of two of whole rows, at most ROW_BLOCK_VALUES values unless one row is longer', () => {
    // Llama 70B's rows (8192, 28672 values), Phi-3's fused qkv (3072), a 1-D tensor (1), a row longer than a block.
    assert.deepEqual([8192, 28672, 3072, 1, ROW_BLOCK_VALUES + 1].map(blockRows), [512, 128, 1024, ROW_BLOCK_VALUES, 1]);
  });

  it('decoded models: a row-decoding group reads in blocks of whole rows, from any row and any count; ONNX groups decode whole', async () => {
    for (const file of [...ROW_FILES, 'qdq.onnx', 'matmulnbits.onnx']) {
      const model = await openModel([fixturePath(file)]);
      try {
        const { summary, read } = file.endsWith('.onnx') ? { summary: undefined, read: undefined } : storageView(model);
        const decoded = await decodeStorages(model);
        assert.ok(decoded.storages.size >= 2, file);
        for (const logical of decoded.storages.keys()) {
          const t = decoded.model.tensors.find((x) => x.name === logical)!;
          const whole = (await t.data.read(0, t.numel)) as Float32Array;
          if (summary && read) {
            const group = (await findStoredGroups(summary, read)).groups.find((g) => g.logical === logical)!;
            assert.equal(firstFloatMismatch(whole, await decodeStoredGroup(group, read)), -1, logical);
          }
          const cols = t.numel / t.shape[0]!;
          // Small tensors make one block (as before); a read may start at any row and end mid-row.
          assert.equal(t.data.blockSize, t.numel, logical);
          const reads: [number, number][] = file.endsWith('.onnx') ? [[0, t.numel - 3], [0, 1]] : [[cols, 2 * cols + 3], [3 * cols, t.numel - 3 * cols], [0, 1], [t.numel - 1, 1]];
          for (const [start, count] of reads) {
            const got = (await t.data.read(start, count)) as Float32Array;
            assert.equal(firstFloatMismatch(got, whole.subarray(start, start + count)), -1, `${logical} ${start}+${count}`);
          }
        }
      } finally {
        await model.close();
      }
    }
  });
});

describe('memberSource: columns of a member read in bands of whole rows and kept as a slab', () => {
  /** A [10, 100] int32 member whose value is its index, and the counts asked of the reader. */
  function member(limits: MemberReadLimits): { source: ReturnType<typeof memberSource>; requested: number[] } {
    const values = Int32Array.from({ length: 1000 }, (_, i) => i);
    const requested: number[] = [];
    const source = memberSource((name) => (name === 'm' ? values.length : undefined), async (_name, start, count) => {
      requested.push(count);
      return values.subarray(start, start + count);
    }, limits);
    return { source, requested };
  }

  it('spans of 7 columns in order: a slab of 40 columns serves the spans inside it, so the member is read once per slab, not once per span', async () => {
    const { source, requested } = member({ readValues: 250, slabValues: 400 });
    for (let c0 = 0; c0 < 100; c0 += 7) {
      const c1 = Math.min(100, c0 + 7);
      const got = await source.readColumns('m', 100, c0, c1);
      assert.ok(got instanceof Int32Array);
      assert.deepEqual(Array.from(got), Array.from({ length: 10 * (c1 - c0) }, (_, k) => Math.floor(k / (c1 - c0)) * 100 + c0 + (k % (c1 - c0))), `columns ${c0}..${c1}`);
    }
    // Slabs start at columns 0, 35 and 70 (a span crossing a slab's end starts the next): 3 passes of bands of 2 rows.
    assert.deepEqual(requested, new Array(15).fill(200));
  });
});
