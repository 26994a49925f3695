import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { summarizeModel } from '../../../src/core/analysis/summary';
import { openModel } from '../../../src/core/formats/registry';
import { ALL_GGML_TYPES } from '../../../src/core/quant/ggml/index';
import type { ModelSummary } from '../../../src/shared/analysisTypes';
import { isQuantizable, storageTable } from '../../../src/shared/storageSizes';
import { bytesForType, isDType, isFloatDType, storageBlock } from '../../../src/shared/vocab/dtypes';
import { GGML_DTYPES, GGML_LAYOUTS, ggmlBitsPerWeight } from '../../../src/shared/vocab/ggmlTypes';

/** Written by scripts/fixtures/fixtures_gguf.py: one tensor of every ggml type, plain ones included. */
const TINY_GGUF = path.join(__dirname, '../../fixtures/gguf/tiny-v3.gguf');
/** The integer tensors of that fixture: what quantization leaves as stored. */
const INTEGER_DTYPES = ['I8', 'I16', 'I32', 'I64'];

async function tinySummary(): Promise<ModelSummary> {
  const model = await openModel([TINY_GGUF]);
  try {
    return summarizeModel(model);
  } finally {
    await model.close();
  }
}

describe('storage types: one table, the sizes derived from it', () => {
  it('every ggml type in the layout table has exactly one codec, and the codec carries the table layout', () => {
    assert.deepEqual(ALL_GGML_TYPES.map((t) => t.name).sort(), [...GGML_DTYPES].sort());
    for (const t of ALL_GGML_TYPES) {
      const { id, blockSize, typeSize } = GGML_LAYOUTS[t.name];
      assert.deepEqual({ id: t.id, blockSize: t.blockSize, typeSize: t.typeSize }, { id, blockSize, typeSize }, t.name);
    }
  });

  it('bytesForType: ggml_row_size for block types, numel * width for plain ones', () => {
    assert.equal(bytesForType('Q4_K', 4096), 16 * 144);
    assert.equal(bytesForType('IQ4_XS', 256), 136);
    assert.equal(bytesForType('MXFP4', 64), 34);
    assert.equal(bytesForType('BF16', 10), 20);
    assert.equal(bytesForType('F32', 0), 0);
    assert.throws(() => bytesForType('Q8_0', 33), /33 values are not a whole number of Q8_0 blocks of 32/);
    assert.deepEqual(storageBlock('I64'), { blockSize: 1, bytesPerBlock: 8 });
  });

  it('bits per weight come from the layouts (type_size * 8 / blck_size)', () => {
    assert.equal(ggmlBitsPerWeight('Q4_K'), 4.5);
    assert.equal(ggmlBitsPerWeight('Q6_K'), 6.5625);
    assert.equal(ggmlBitsPerWeight('IQ4_XS'), 4.25);
    assert.equal(ggmlBitsPerWeight('TQ1_0'), 1.6875);
    assert.equal(ggmlBitsPerWeight('MXFP4'), 4.25);
  });

  it('names outside the table are not storage types', () => {
    assert.ok(isDType('MXFP4') && isDType('F8_E5M2') && isDType('BOOL'));
    assert.ok(!isDType('Q4_2') && !isDType('mxfp4') && !isDType('STRING'));
    assert.ok(isFloatDType('IQ1_M') && !isFloatDType('U8') && !isFloatDType('BOOL'));
  });

  it('the size table re-stores every float and ggml-block tensor of a real GGUF, MXFP4 included, and keeps the integers', async () => {
    const summary = await tinySummary();
    const mxfp4 = summary.tensors.find((t) => t.dtype === 'MXFP4');
    assert.ok(mxfp4, 'the fixture holds an MXFP4 tensor');
    assert.ok(isQuantizable(mxfp4));
    const integers = summary.tensors.filter((t) => INTEGER_DTYPES.includes(t.dtype));
    assert.ok(integers.length > 0);
    const fixedBytes = integers.reduce((n, t) => n + t.byteLength, 0);
    const quantizable = summary.tensors.filter((t) => !INTEGER_DTYPES.includes(t.dtype)).reduce((n, t) => n + t.numel, 0);
    const int8 = storageTable(summary, []).find((r) => r.label === 'INT8');
    assert.equal(int8?.bytes, fixedBytes + quantizable);
  });
});
