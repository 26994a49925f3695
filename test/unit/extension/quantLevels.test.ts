import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { openModel } from '../../../src/core/formats/registry';
import type { IntResult } from '../../../src/shared/analysisTypes';
import { codeRange, quantLevels, saturationRange } from '../../../webview/quantLevels';

const SAMPLE = path.join(__dirname, '..', '..', '..', 'samples', 'mlp', 'model.safetensors');

async function int2Asymmetric(convention: IntResult['convention']): Promise<IntResult> {
  const model = await openModel([SAMPLE]);
  try {
    const entry = model.tensors.find((t) => t.name === 'fc2.weight')!;
    const result = await analyzeTensor(entry, {
      histogramBins: 64,
      schemes: [{ kind: 'int', bits: 2, mode: 'asymmetric', granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention }],
    });
    return result.results[0] as IntResult;
  } finally {
    await model.close();
  }
}

describe('webview quantization levels', () => {
  it('shades only where values saturate: none of fc2.weight at int2 asymmetric, whose min rounds onto the lowest level', async () => {
    const r = await int2Asymmetric('lecture');
    const sat = saturationRange(r)!;
    // The data extends past the representable range but stays within half a step of it.
    assert.ok(r.clipMin! > -0.3198 && sat.lo < -0.3198, `clip ${r.clipMin}, saturation ${sat.lo}`);
    assert.equal(r.clippedPct, 0);
    assert.ok(Math.abs(sat.hi - r.clipMax! - r.scale! / 2) < 1e-12);
  });

  it('takes the code range from the result (onnxruntime symmetric int4 is [-8, 7])', () => {
    const r = { kind: 'int', mode: 'symmetric', bits: 4, convention: 'onnxruntime', qmin: -8, qmax: 7, scale: 0.5, zeroPoint: 0 } as IntResult;
    assert.deepEqual(codeRange(r), { qmin: -8, qmax: 7 });
    assert.equal(quantLevels(r).length, 16);
  });
});
