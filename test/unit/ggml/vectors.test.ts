import * as assert from 'node:assert/strict';
import '../../../src/core/quant/ggml/index';
import { GGML_TYPES } from '../../../src/core/quant/ggml/table';
import { isPlainDType } from '../../../src/shared/vocab/dtypes';
import { fp32ToFp16 } from '../../../src/core/quant/ggml/fp16';
import { firstFloatMismatch, readBytes, readF32, readManifest, readU16 } from './fixtures';

const manifest = readManifest();
const input = readF32('input.f32');

function traitsOf(name: string) {
  const dtype = name.toUpperCase();
  assert.ok(!isPlainDType(dtype));
  const t = GGML_TYPES.get(dtype as Parameters<typeof GGML_TYPES.get>[0]);
  assert.ok(t, `${dtype} is not registered`);
  return t;
}

/** Names the input segment a block belongs to, so a failure says which distribution broke. */
function where(valueIndex: number): string {
  return `value ${valueIndex} (segment "${manifest.segments[Math.floor(valueIndex / manifest.segment)]}")`;
}

describe('ggml block types against ggml\'s C reference (test/fixtures/ggml)', () => {
  for (const [name, info] of Object.entries(manifest.types)) {
    describe(name, () => {
      const t = traitsOf(name);

      it('has ggml\'s block layout', () => {
        assert.equal(t.blockSize, info.blockSize);
        assert.equal(t.typeSize, info.typeSize);
      });

      it('quantize gives the bytes of quantize_row_*_ref', () => {
        const expected = readBytes(`${name}.q.bin`);
        const actual = new Uint8Array(expected.length);
        assert.ok(t.quantize, 'no quantizer');
        t.quantize(input, actual);
        const at = actual.findIndex((b, i) => b !== expected[i]);
        if (at >= 0) {
          const block = Math.floor(at / t.typeSize);
          assert.fail(`byte ${at} (block ${block}, ${where(block * t.blockSize)}): got ${actual[at]}, ggml wrote ${expected[at]}`);
        }
      });

      if (!info.dequantize) return;

      it('dequantize of ggml\'s blocks gives the floats of dequantize_row_*', () => {
        const expected = readF32(`${name}.deq.f32`);
        const actual = new Float32Array(expected.length);
        t.dequantize(readBytes(`${name}.q.bin`), actual, expected.length / t.blockSize);
        const at = firstFloatMismatch(actual, expected);
        assert.equal(at, -1, at < 0 ? '' : `${where(at)}: got ${actual[at]}, ggml ${expected[at]}`);
      });

      it('dequantize of random block bytes matches ggml bit for bit', () => {
        const expected = readF32(`${name}.rand.f32`);
        const actual = new Float32Array(expected.length);
        t.dequantize(readBytes(`${name}.rand.bin`), actual, expected.length / t.blockSize);
        const at = firstFloatMismatch(actual, expected);
        assert.equal(at, -1, at < 0 ? '' : `value ${at}: got ${actual[at]}, ggml ${expected[at]}`);
      });
    });
  }
});

describe('GGML_FP32_TO_FP16 (round to nearest even, NaN to 0x7E00)', () => {
  it('matches ggml on specials and random bit patterns', () => {
    const inputs = readF32('fp16.in.f32');
    const expected = readU16('fp16.out.u16');
    for (let i = 0; i < inputs.length; i++) {
      const got = fp32ToFp16(inputs[i]!);
      if (got !== expected[i]) assert.fail(`input ${i} (${inputs[i]}): got 0x${got.toString(16)}, ggml 0x${expected[i]!.toString(16)}`);
    }
  });
});
