import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { FORMATS } from '../../../src/core/quant/formats/formatTraits';
import { GGML_TYPES } from '../../../src/core/quant/ggml/index';
import { storageTable } from '../../../src/shared/storageSizes';
import { GGML_LAYOUTS } from '../../../src/shared/vocab/ggmlTypes';
import { formatLayout, isNamedFormat, NAMED_FORMAT_TABLE, NAMED_FORMATS } from '../../../src/shared/vocab/namedFormats';
import { memoryTensor } from '../analysis/memoryTensor';
import { readF32, readManifest } from '../ggml/fixtures';

/** Bits per weight as the formats' own definitions give them (scales included). */
const KNOWN_BITS_PER_WEIGHT: Readonly<Record<string, number>> = {
  fp16: 16, bf16: 16, fp8_e4m3: 8, fp8_e5m2: 8, nf4: 4.5, fp4: 4.5, mxfp4: 4.25,
  q8_0: 8.5, q4_0: 4.5, q4_1: 5, q5_0: 5.5, q5_1: 6, q2_k: 2.625, q3_k: 3.4375,
  q4_k: 4.5, q5_k: 5.5, q6_k: 6.5625, iq4_nl: 4.5, iq4_xs: 4.25,
};

describe('named formats: one table', () => {
  it('bits per weight derive from the block layout, and give the known figures', () => {
    for (const f of NAMED_FORMATS) {
      const layout = formatLayout(f);
      assert.equal(layout.bitsPerWeight, (layout.bytesPerBlock * 8) / layout.blockSize, f);
    }
    for (const [f, bits] of Object.entries(KNOWN_BITS_PER_WEIGHT)) {
      assert.ok(isNamedFormat(f), f);
      assert.equal(formatLayout(f).bitsPerWeight, bits, f);
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

  it('a ggml format measures the error of ggml\'s own round trip (vectors from ggml\'s C code)', async () => {
    const input = readF32('input.f32');
    const vectors = readManifest().types;
    let checked = 0;
    for (const f of NAMED_FORMATS) {
      const entry = NAMED_FORMAT_TABLE[f];
      if (entry.family !== 'ggml') continue;
      const name = entry.type.toLowerCase();
      assert.ok(vectors[name]?.dequantize, `${f}: scripts/fixtures/ggml_vectors.sh writes no ${name} vectors`);
      const deq = readF32(`${name}.deq.f32`);
      // Metrics leave out reconstructions that overflowed (counted apart, as nonFiniteOutputs).
      let sse = 0;
      let maxAbsErr = 0;
      let n = 0;
      input.forEach((x, i) => {
        if (!Number.isFinite(deq[i]!)) return;
        const e = Math.abs(x - deq[i]!);
        sse += e * e;
        maxAbsErr = Math.max(maxAbsErr, e);
        n++;
      });
      const r = await analyzeTensor(memoryTensor(input, [input.length / 256, 256]), { schemes: [{ kind: 'format', format: f }], histogramBins: 0 });
      const result = r.results[0];
      assert.ok(result?.kind === 'format', `${f}: ${JSON.stringify(r.notApplicable)}`);
      assert.equal(result.maxAbsErr, maxAbsErr, f);
      assert.ok(Math.abs(result.mse - sse / n) <= 1e-12 * (sse / n), `${f}: mse ${result.mse} vs ${sse / n}`);
      assert.equal(result.nonFiniteOutputs ?? 0, input.length - n, f);
      checked++;
    }
    assert.ok(checked >= 11);
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
    for (const f of NAMED_FORMATS) assert.equal(rows.find((r) => r.label === f)?.bytes, Math.ceil((4096 * formatLayout(f).bitsPerWeight) / 8), f);
    assert.equal(rows.find((r) => r.label === 'q4_k')?.bytes, 4096 * 4.5 / 8);
  });
});
