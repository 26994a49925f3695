import * as assert from 'node:assert/strict';
import { FormatError } from '../../../src/core/errors';
import { decodeStoredGroup, findStoredGroups } from '../../../src/core/decode/index';
import type { CheckpointSummary, MemberInfo, ReadMember } from '../../../src/core/decode/storage';
import type { Values } from '../../../src/core/tensor';

/** A checkpoint held in memory: listing and values. */
function memory(tensors: readonly (MemberInfo & { values: Values })[]): { summary: CheckpointSummary; read: ReadMember } {
  return {
    summary: { tensors: tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape })) },
    read: async (name) => tensors.find((t) => t.name === name)!.values,
  };
}

const isOneLineFormatError = (e: unknown): boolean => e instanceof FormatError && !e.message.includes('\n');

/** A 4-bit GPTQ linear with 8 inputs, 8 outputs, one group; g_idx as given. */
function gptq(gIdx: Int32Array) {
  return memory([
    { name: 'l.qweight', dtype: 'I32', shape: [1, 8], values: new Int32Array(8) },
    { name: 'l.qzeros', dtype: 'I32', shape: [1, 1], values: new Int32Array(1) },
    { name: 'l.scales', dtype: 'F16', shape: [1, 8], values: new Float32Array(8).fill(1) },
    { name: 'l.g_idx', dtype: 'I32', shape: [8], values: gIdx },
  ]);
}

describe('quantized storages refuse bad members in one line: a problem of that group when grouping, a FormatError when decoding', () => {
  it('a GPTQ g_idx that names a group the scales lack', async () => {
    const { summary, read } = gptq(Int32Array.from([0, 0, 0, 0, 0, 0, 0, 7]));
    const { groups } = await findStoredGroups(summary, read);
    assert.equal(groups.length, 1);
    await assert.rejects(decodeStoredGroup(groups[0]!, read), (e: unknown) => isOneLineFormatError(e) && /g_idx\[7\] = 7/.test((e as Error).message));
  });

  it('AWQ scales with no group for the input rows', async () => {
    const { summary, read } = memory([
      { name: 'l.qweight', dtype: 'I32', shape: [4, 1], values: new Int32Array(4) },
      { name: 'l.qzeros', dtype: 'I32', shape: [0, 1], values: new Int32Array(0) },
      { name: 'l.scales', dtype: 'F16', shape: [0, 8], values: new Float32Array(0) },
    ]);
    const { groups } = await findStoredGroups(summary, read);
    assert.deepEqual(groups.map((g) => g.storage), ['awq']);
    await assert.rejects(decodeStoredGroup(groups[0]!, read), (e: unknown) => isOneLineFormatError(e) && /input row 0 has no group among 0/.test((e as Error).message));
  });

  it('a member whose value count does not match its role', async () => {
    const { summary, read } = gptq(new Int32Array(8));
    const { groups } = await findStoredGroups(summary, read);
    const short: ReadMember = async (name) => (name === 'l.scales' ? new Float32Array(3) : read(name));
    await assert.rejects(decodeStoredGroup(groups[0]!, short), (e: unknown) => isOneLineFormatError(e) && /scales 'l.scales' has 3 values, 8 expected/.test((e as Error).message));
  });

  it('a bitsandbytes quant state that is not JSON', async () => {
    const { summary, read } = memory([
      { name: 'w', dtype: 'U8', shape: [4, 1], values: new Uint8Array(4) },
      { name: 'w.absmax', dtype: 'F32', shape: [1], values: new Float32Array(1) },
      { name: 'w.quant_map', dtype: 'F32', shape: [16], values: new Float32Array(16) },
      { name: 'w.quant_state.bitsandbytes__nf4', dtype: 'U8', shape: [3], values: new TextEncoder().encode('{no') },
    ]);
    const { groups, problems, plain } = await findStoredGroups(summary, read);
    assert.deepEqual([groups, problems], [[], [{ storage: 'bnb-4bit', logical: 'w', message: 'w.quant_state.bitsandbytes__nf4 is not JSON' }]]);
    assert.equal(plain.length, 4);
  });

  it('a compressed-tensors weight_shape that weight_packed cannot hold', async () => {
    const { summary, read } = memory([
      { name: 'l.weight_packed', dtype: 'I32', shape: [4, 2], values: new Int32Array(8) },
      { name: 'l.weight_scale', dtype: 'BF16', shape: [4, 1], values: new Float32Array(4) },
      { name: 'l.weight_shape', dtype: 'I64', shape: [2], values: BigInt64Array.from([4n, 1000n]) },
    ]);
    const { problems } = await findStoredGroups(summary, read);
    assert.deepEqual(problems, [{ storage: 'compressed-pack', logical: 'l.weight', message: 'weight_packed [4, 2] does not pack [4, 1000] at 2, 4 or 8 bits' }]);
  });

  it('an FP8 weight_scale that is neither per tensor nor per channel, next to a good group that still decodes', async () => {
    const { summary, read } = memory([
      { name: 'l.weight', dtype: 'F8_E4M3', shape: [4, 4], values: new Float32Array(16) },
      { name: 'l.weight_scale', dtype: 'F32', shape: [3], values: new Float32Array(3) },
      { name: 'm.weight', dtype: 'F8_E4M3', shape: [2, 2], values: Float32Array.from([1, -2, 0.5, 448]) },
      { name: 'm.weight_scale', dtype: 'F32', shape: [], values: Float32Array.from([0.25]) },
    ]);
    const { groups, problems } = await findStoredGroups(summary, read);
    assert.deepEqual(problems, [{ storage: 'fp8-scaled', logical: 'l.weight', message: 'weight_scale [3] is neither per tensor nor per output channel' }]);
    assert.deepEqual(groups.map((g) => g.logical), ['m.weight']);
    assert.deepEqual(Array.from(await decodeStoredGroup(groups[0]!, read)), [0.25, -0.5, 0.125, 112]);
  });
});
