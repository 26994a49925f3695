import * as assert from 'node:assert/strict';
import { compareModels } from '../../../src/core/compare/compareModels';
import { blockRows, decodeStorages } from '../../../src/core/decode/decodedModel';
import type { Model, TensorEntry, Values } from '../../../src/core/tensor';
import type { DType } from '../../../src/shared/vocab/dtypes';
import { GPTQ_PER_WORD as PER_WORD, packGptq4 } from '../helpers/gptqPack';

/**
 * GPTQ-packed fused Phi-3 tensors of more than one block of decoded rows, against float references
 * with separate parts. qkv_proj's k starts on a block edge, its v (row 5120) inside a block, as
 * Phi-3-medium's does (kv rows 1280, blocks of 512 rows); gate_up_proj's up starts on a block edge.
 */
const IN = 1024;
const GROUP = 128;
const GROUPS = IN / GROUP;
const QKV = { name: 'model.layers.0.self_attn.qkv_proj', parts: [['q', 'self_attn.q_proj', 4096], ['k', 'self_attn.k_proj', 1024], ['v', 'self_attn.v_proj', 1024]] } as const;
const GATE_UP = { name: 'model.layers.0.mlp.gate_up_proj', parts: [['gate', 'mlp.gate_proj', 4096], ['up', 'mlp.up_proj', 4096]] } as const;
const FUSED = [QKV, GATE_UP];

/** Codes, zero points and scales of fused row o; the scale's period (61) is prime to every part's row count, so rows taken from the wrong place differ. */
const code = (i: number, o: number): number => (i * 7 + o * 3) & 15;
const zero = (g: number, o: number): number => (g * 5 + o) & 15;
const scale = (o: number): number => (1 + (o % 61)) / 64;
/** The float value of fused row o, input i: every one exact in float16, as GPTQ's F16 scales give it. */
const value = (o: number, i: number): number => scale(o) * (code(i, o) - zero(Math.floor(i / GROUP), o));

const rowsOf = (f: (typeof FUSED)[number]): number => f.parts.reduce((s, [, , rows]) => s + rows, 0);

function memoryTensor(name: string, dtype: DType, shape: number[], values: Values): TensorEntry {
  return {
    name, dtype, shape, numel: values.length, byteLength: values.byteLength, source: 'gptq.safetensors',
    data: { blockSize: 1, read: async (start, count) => values.subarray(start, start + count) },
  };
}

function model(file: string, tensors: TensorEntry[]): Model {
  return { file, format: 'safetensors', metadata: {}, tensors, sizeOnDisk: 0, close: async () => undefined };
}

/** qweight [IN / 8, OUT] packs input rows, qzeros [GROUPS, OUT / 8] packs output columns holding zero - 1, scales [GROUPS, OUT]. */
function gptqMembers(prefix: string, out: number): TensorEntry[] {
  const { qweight, qzeros, scales } = packGptq4(IN, out, GROUPS, code, zero, scale);
  return [
    memoryTensor(`${prefix}.qweight`, 'I32', [IN / PER_WORD, out], qweight),
    memoryTensor(`${prefix}.qzeros`, 'I32', [GROUPS, out / PER_WORD], qzeros),
    memoryTensor(`${prefix}.scales`, 'F16', [GROUPS, out], scales),
  ];
}

/** A separate float part: fused rows [first, first + rows), its value at part index `off` raised by 1. */
interface ReferencePart { readonly name: string; readonly label: string; readonly first: number; readonly rows: number; readonly off: number }

function referencePart(p: ReferencePart): TensorEntry {
  return {
    name: p.name, dtype: 'F32', shape: [p.rows, IN], numel: p.rows * IN, byteLength: p.rows * IN * 4, source: 'ref.safetensors',
    data: {
      blockSize: 1,
      read: async (start, count) => {
        const out = new Float32Array(count);
        for (let k = 0; k < count; k++) {
          const at = start + k;
          out[k] = value(p.first + Math.floor(at / IN), at % IN) + (at === p.off ? 1 : 0);
        }
        return out;
      },
    },
  };
}

/** Each part's rows in the fused tensor; the raised value at the part's first row when it starts inside a block, else its last value. */
function referenceParts(): ReferencePart[] {
  const block = blockRows(IN);
  return FUSED.flatMap((f) => {
    let first = 0;
    return f.parts.map(([label, infix, rows]) => {
      const p = { name: `model.layers.0.${infix}.weight`, label, first, rows, off: first % block === 0 ? rows * IN - 1 : 5 };
      first += rows;
      return p;
    });
  });
}

/** 10 log10 of the part's sum of squares (the raised value included) over its squared error (1). */
function expectedSqnrDb(p: ReferencePart): number {
  let sumSq = 0;
  for (let r = 0; r < p.rows; r++) {
    for (let i = 0; i < IN; i++) {
      const x = value(p.first + r, i) + (r * IN + i === p.off ? 1 : 0);
      sumSq += x * x;
    }
  }
  return 10 * Math.log10(sumSq);
}

describe('compare: a large decoded fused tensor split into its parts', () => {
  it('GPTQ qkv_proj and gate_up_proj of more than one block against separate q / k / v and gate / up: every part paired, a part starting inside a block too, its figures those of its own rows', async function () {
    // Sizes and values, not time, are what it checks: room for a loaded machine.
    this.timeout(180_000);
    const block = blockRows(IN);
    assert.equal(block, 4096);
    assert.ok(rowsOf(QKV) * IN > block * IN && (QKV.parts[0][2] + QKV.parts[1][2]) % block !== 0, 'qkv is over one block, v starts inside one');
    const decoded = await decodeStorages(model('gptq.safetensors', FUSED.flatMap((f) => gptqMembers(f.name, rowsOf(f)))));
    assert.deepEqual([...decoded.storages].sort(), FUSED.map((f) => [`${f.name}.weight`, 'gptq']).sort());
    // Every read of a decoded group starts on one of its blocks (TensorData's contract) and covers at most two of them.
    const starts: string[] = [];
    const watched = decoded.model.tensors.map((t): TensorEntry => ({
      ...t,
      data: {
        blockSize: t.data.blockSize,
        read: (start, count) => {
          if (start % t.data.blockSize !== 0 || count > 2 * t.data.blockSize) starts.push(`${t.name}: ${count} from ${start}`);
          return t.data.read(start, count);
        },
      },
    }));
    const parts = referenceParts();
    const r = await compareModels(model('ref.safetensors', parts.map(referencePart)), model('gptq.safetensors', watched), { kind: 'auto' }, decoded);
    assert.deepEqual(r.unpaired, { reference: [], candidate: [] });
    assert.deepEqual(starts, []);
    assert.equal(r.pairs.length, parts.length);
    for (const p of parts) {
      const pair = r.pairs.find((q) => q.reference === p.name);
      assert.ok(pair, `${p.name} not paired`);
      const fused = FUSED.find((f) => f.parts.some(([label]) => label === p.label && pair.candidate === `${f.name}.weight`));
      assert.ok(fused, `${p.name} paired with ${pair.candidate}`);
      assert.deepEqual([pair.transform, pair.candidateStorage, pair.shape, pair.maxAbsErr, pair.nonFinite], [`split:${p.label}`, 'gptq', [p.rows, IN], 1, { reference: 0, candidate: 0 }], p.name);
      assert.equal(pair.mse, 1 / (p.rows * IN), p.name);
      assert.ok(Math.abs(pair.sqnrDb! - expectedSqnrDb(p)) < 1e-9, `${p.name}: SQNR ${pair.sqnrDb} dB, ${expectedSqnrDb(p)} expected`);
    }
  });
});
