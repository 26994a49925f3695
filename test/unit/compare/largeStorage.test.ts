import * as assert from 'node:assert/strict';
import { compareModels } from '../../../src/core/compare/compareModels';
import { blockRows, decodeStorages, ROW_BLOCK_VALUES } from '../../../src/core/decode/decodedModel';
import { MEMBER_READ_VALUES } from '../../../src/core/decode/memberSource';
import type { Model, TensorEntry, Values } from '../../../src/core/tensor';
import type { DType } from '../../../src/shared/vocab/dtypes';
import { GPTQ_PER_WORD as PER_WORD, packGptq4 } from '../helpers/gptqPack';

/** A 4-bit GPTQ linear bigger than one block of rows, rows not a multiple of the block (a ragged last one). */
const OUT = 4000;
const IN = 16384;
const GROUP = 128;
const GROUPS = IN / GROUP;

/** Codes, zero points and scales as functions of (input i, output o), chosen so every value is exact in float16. */
const code = (i: number, o: number): number => (i * 7 + o * 3) & 15;
const zero = (g: number, o: number): number => (g * 5 + o) & 15;
const scale = (o: number): number => (1 + (o % 4)) / 64;
/** Act-order: the group of input i is a fixed shuffle of i / GROUP. */
const GROUP_OF = Int32Array.from({ length: IN }, (_, i) => ((i * 37) % IN) >> 7);

function memoryTensor(name: string, dtype: DType, shape: number[], values: Values, requested: number[]): TensorEntry {
  return {
    name, dtype, shape, numel: values.length, byteLength: values.byteLength, source: 'big.safetensors',
    data: {
      blockSize: 1,
      read: async (start, count) => {
        requested.push(count);
        return values.subarray(start, start + count);
      },
    },
  };
}

function model(file: string, tensors: TensorEntry[]): Model {
  return { file, format: 'safetensors', metadata: {}, tensors, sizeOnDisk: 0, close: async () => undefined };
}

/** qweight [IN / 8, OUT] packs input rows, qzeros [GROUPS, OUT / 8] packs output columns holding zero - 1, scales [GROUPS, OUT]. */
function gptqMembers(requested: Map<string, number[]>): TensorEntry[] {
  const { qweight, qzeros, scales } = packGptq4(IN, OUT, GROUPS, code, zero, scale);
  const gIdx = GROUP_OF.slice();
  const entry = (name: string, dtype: DType, shape: number[], values: Values): TensorEntry => {
    requested.set(name, []);
    return memoryTensor(name, dtype, shape, values, requested.get(name)!);
  };
  return [
    entry('l.qweight', 'I32', [IN / PER_WORD, OUT], qweight),
    entry('l.qzeros', 'I32', [GROUPS, OUT / PER_WORD], qzeros),
    entry('l.scales', 'F16', [GROUPS, OUT], scales),
    entry('l.g_idx', 'I32', [IN], gIdx),
  ];
}

/** The float weight [OUT, IN] the members stand for, values computed when read; one value off by 1 at `off`. */
function reference(off: number): TensorEntry {
  return {
    name: 'l.weight', dtype: 'F32', shape: [OUT, IN], numel: OUT * IN, byteLength: OUT * IN * 4, source: 'ref.safetensors',
    data: {
      blockSize: 1,
      read: async (start, count) => {
        const out = new Float32Array(count);
        for (let k = 0, o = Math.floor(start / IN), i = start % IN; k < count; k++) {
          out[k] = scale(o) * (code(i, o) - zero(GROUP_OF[i]!, o)) + (start + k === off ? 1 : 0);
          if (++i === IN) [i, o] = [0, o + 1];
        }
        return out;
      },
    },
  };
}

describe('compare: a large quantized storage is decoded a block of rows at a time', () => {
  it(`a ${OUT} x ${IN} act-order GPTQ tensor: every read asks for at most ${MEMBER_READ_VALUES} member values and ${ROW_BLOCK_VALUES} decoded values, qweight read once`, async function () {
    // Sizes, not time, are what it checks: room for a loaded machine (it takes about 7 s on a quiet one).
    this.timeout(180_000);
    const requested = new Map<string, number[]>();
    const decoded = await decodeStorages(model('big.safetensors', gptqMembers(requested)));
    assert.deepEqual([...decoded.storages], [['l.weight', 'gptq']]);
    const entry = decoded.model.tensors.find((t) => t.name === 'l.weight')!;
    const decodedReads: number[] = [];
    const watched: TensorEntry = { ...entry, data: { blockSize: entry.data.blockSize, read: (start, count) => (decodedReads.push(count), entry.data.read(start, count)) } };
    // The last row's last value differs by 1: the ragged last block is decoded and compared too.
    const off = OUT * IN - 1;
    const r = await compareModels(model('ref.safetensors', [reference(off)]), model('big.safetensors', [watched]), { kind: 'auto' }, decoded);
    assert.equal(r.pairs.length, 1);
    assert.deepEqual([r.pairs[0]!.candidateStorage, r.pairs[0]!.maxAbsErr, r.pairs[0]!.nonFinite], ['gptq', 1, { reference: 0, candidate: 0 }]);
    assert.equal(r.pairs[0]!.mse, 1 / (OUT * IN));
    const rowsPerBlock = blockRows(IN);
    assert.equal(rowsPerBlock, 256);
    assert.equal(entry.data.blockSize, rowsPerBlock * IN);
    assert.deepEqual(decodedReads, [...new Array(Math.floor(OUT / rowsPerBlock)).fill(rowsPerBlock * IN), (OUT % rowsPerBlock) * IN]);
    const memberReads = [...requested.values()].flat();
    assert.ok(Math.max(...memberReads) <= MEMBER_READ_VALUES, `largest member read ${Math.max(...memberReads)} values`);
    const qweightRead = requested.get('l.qweight')!.reduce((a, b) => a + b, 0);
    assert.equal(qweightRead, (IN / PER_WORD) * OUT, 'qweight read once in all');
  });
});
