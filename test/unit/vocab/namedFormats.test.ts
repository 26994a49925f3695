import * as assert from 'node:assert/strict';
import { FORMATS } from '../../../src/core/quant/formats/formatTraits';
import { GGML_TYPES } from '../../../src/core/quant/ggml/index';
import { storageTable } from '../../../src/shared/storageSizes';
import { GGML_LAYOUTS } from '../../../src/shared/vocab/ggmlTypes';
import { formatLayout, isNamedFormat, NAMED_FORMAT_TABLE, NAMED_FORMATS } from '../../../src/shared/vocab/namedFormats';

/** Bits per weight as the formats' own definitions give them (scales included). */
const KNOWN_BITS_PER_WEIGHT: Readonly<Record<string, number>> = {
  fp16: 16, bf16: 16, fp8_e4m3: 8, fp8_e5m2: 8, nf4: 4.5, fp4: 4.5, mxfp4: 4.25,
  q8_0: 8.5, q4_0: 4.5, q4_1: 5, q5_0: 5.5, q5_1: 6, q2_k: 2.625, q3_k: 3.4375,
  q4_k: 4.5, q5_k: 5.5, q6_k: 6.5625, iq4_nl: 4.5, iq4_xs: 4.25,
};

describe('named formats: one table', () => {
  it('every format has its known bits per weight, derived from its block layout', () => {
    for (const f of NAMED_FORMATS) {
      const layout = formatLayout(f);
      assert.equal(layout.bitsPerWeight, KNOWN_BITS_PER_WEIGHT[f], f);
      assert.equal(layout.bitsPerWeight, (layout.bytesPerBlock * 8) / layout.blockSize, f);
    }
  });

  it('a ggml format is its ggml type: same block, same bytes, rows of the last axis, a reference quantizer', () => {
    for (const f of NAMED_FORMATS) {
      const entry = NAMED_FORMAT_TABLE[f];
      if (entry.family !== 'ggml') continue;
      const { blockSize, typeSize } = GGML_LAYOUTS[entry.type];
      assert.deepEqual(formatLayout(f), { blockSize, bytesPerBlock: typeSize, bitsPerWeight: (typeSize * 8) / blockSize, blockAxis: 'row' }, f);
      assert.ok(GGML_TYPES.get(entry.type)?.quantize, `${f}: ${entry.type} has a quantizer`);
    }
  });

  it('core attaches an implementation to every format, and a cast rounds to a float of its width', () => {
    for (const f of NAMED_FORMATS) {
      const traits = FORMATS[f];
      assert.equal(traits.format, f);
      assert.equal(traits.bitsPerWeight, formatLayout(f).bitsPerWeight, f);
      if (traits.family.kind === 'cast') {
        const { expBits, manBits } = traits.family.spec;
        assert.equal(1 + expBits + manBits, traits.bitsPerWeight, f);
      }
    }
  });

  it('only table names are formats; the size table prices each one from the table', () => {
    assert.ok(isNamedFormat('q4_k') && !isNamedFormat('Q4_K') && !isNamedFormat('q9_9') && !isNamedFormat('toString'));
    const summary = {
      file: 'm', format: 'safetensors', metadata: {}, sizeOnDisk: 4096 * 4,
      tensors: [{ name: 'w', dtype: 'F32', shape: [16, 256], numel: 4096, byteLength: 4096 * 4, source: 'm' }],
    };
    const rows = storageTable(summary, NAMED_FORMATS);
    for (const f of NAMED_FORMATS) assert.equal(rows.find((r) => r.label === f)?.bytes, Math.ceil((4096 * KNOWN_BITS_PER_WEIGHT[f]!) / 8), f);
  });
});
