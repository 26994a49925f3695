import * as assert from 'node:assert/strict';
import { checkMethods } from '../../../src/core/calib/methods';
import { parseActivationConfig } from '../../../src/core/calib/ptq/configs';
import { UsageError } from '../../../src/core/errors';
import { addToCalibration, newCalibrationHistograms } from '../../../src/core/quant/ranges/calibrationHistogram';
import { chooseRange } from '../../../src/core/quant/ranges/chooseRange';
import {
  parseRangeMethod, PICKER_RANGE_METHODS, RANGE_METHOD_PATTERN, RANGE_METHOD_SYNTAX, RANGE_METHOD_TABLE, rangeMethodName, rangeMethodProblem,
  type RangeMethodKind,
} from '../../../src/shared/vocab/rangeMethods';

const VALID = ['minmax', 'mse', 'entropy', 'entropy:onnxruntime', 'histogram', 'percentile:99.99', 'percentile:100', 'percentile:0.5', 'percentile:99.990'];
/** Outside the grammar (spelling), or in its spelling but out of bounds (the last two). */
const INVALID = ['', 'kl', 'Minmax', 'entropy:', 'entropy:tensorrt', 'percentile', 'percentile:', 'percentile:abc', 'percentile:1e1', 'percentile:-1', 'percentile:.5'];
const OUT_OF_BOUNDS = ['percentile:0', 'percentile:100.5'];

describe('range methods: one table, one grammar', () => {
  it('parses every method of the table, and prints each back in its canonical spelling', () => {
    for (const text of VALID) assert.ok(parseRangeMethod(text), text);
    assert.deepEqual(parseRangeMethod('entropy:onnxruntime'), { kind: 'entropy-onnxruntime' });
    assert.deepEqual(parseRangeMethod('percentile:99.99'), { kind: 'percentile', percentile: 99.99 });
    assert.equal(rangeMethodName(parseRangeMethod('percentile:99.990')!), 'percentile:99.99');
    for (const kind of Object.keys(RANGE_METHOD_TABLE) as RangeMethodKind[]) {
      const syntax = RANGE_METHOD_TABLE[kind].syntax.replace(':P', ':50');
      assert.equal(parseRangeMethod(syntax)?.kind, kind, syntax);
      assert.equal(rangeMethodName(parseRangeMethod(syntax)!), syntax);
    }
  });

  it('refuses anything else, saying why in one line', () => {
    for (const text of [...INVALID, ...OUT_OF_BOUNDS]) assert.equal(parseRangeMethod(text), null, text);
    assert.match(rangeMethodProblem('magic'), /unknown method 'magic' \(expected one of: minmax, percentile:P, mse, entropy, entropy:onnxruntime, histogram\)/);
    assert.match(rangeMethodProblem('percentile:101'), /percentile must be a number in \(0, 100\], got '101'/);
  });

  it('the settings pattern accepts exactly the grammar\'s spellings (bounds are checked by the parser)', () => {
    const pattern = new RegExp(RANGE_METHOD_PATTERN);
    for (const text of [...VALID, ...OUT_OF_BOUNDS]) assert.ok(pattern.test(text), text);
    for (const text of INVALID) assert.ok(!pattern.test(text), text);
  });

  it('the picker offers methods of the grammar, every fixed one included', () => {
    for (const text of PICKER_RANGE_METHODS) assert.ok(parseRangeMethod(text), text);
    for (const syntax of RANGE_METHOD_SYNTAX.filter((s) => !s.includes(':P'))) assert.ok(PICKER_RANGE_METHODS.includes(syntax), syntax);
  });

  it('core chooses a clipping range within the reach of the data for every kind', () => {
    const x = new Float32Array(4096);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(Math.sin(i * 0.37) * (i % 97 === 0 ? 8 : 1));
    const min = Math.min(...x);
    const max = Math.max(...x);
    const absMax = Math.max(-min, max);
    const calibration = newCalibrationHistograms(min, max);
    addToCalibration(calibration, x, 0, x.length);
    for (const kind of Object.keys(RANGE_METHOD_TABLE) as RangeMethodKind[]) {
      const text = RANGE_METHOD_TABLE[kind].syntax.replace(':P', ':99');
      for (const mode of ['symmetric', 'asymmetric'] as const) {
        const r = chooseRange(text, { min, max, calibration }, 4, mode);
        assert.ok(r.min < 0 && r.max > 0 && Math.max(-r.min, r.max) <= absMax * (1 + 1e-6), `${text} ${mode}: [${r.min}, ${r.max}]`);
      }
    }
  });

  it('calibrate --methods and ptq --activations take the same grammar, entropy:onnxruntime included', () => {
    assert.doesNotThrow(() => checkMethods(['entropy:onnxruntime', 'percentile:99.9']));
    assert.throws(() => checkMethods(['minmax', 'magic']), (e: unknown) => e instanceof UsageError && /unknown range method magic \(known: minmax, percentile:P, mse, entropy, entropy:onnxruntime, histogram\)/.test(e.message));
    assert.equal(parseActivationConfig('uint8:entropy:onnxruntime').method, 'entropy:onnxruntime');
    assert.throws(() => parseActivationConfig('int8:kl'), UsageError);
  });
});
