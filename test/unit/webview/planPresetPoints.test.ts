import * as assert from 'node:assert/strict';
import type { ParetoPoint } from '../../../src/shared/planPanelProtocol';
import { presetPoints } from '../../../webview/planPresetPoints';

const at = (label: string, bytes: number, damage: number): ParetoPoint => ({ label, bytes, bitsPerWeight: bytes / 100, damage });

describe('Plan chart: stock preset points', () => {
  it('presets that give the same plan are one point naming both; the others stay apart, in order', () => {
    const points = presetPoints([
      at('NVFP4_DEFAULT_CFG', 450, 0.02), at('INT4_AWQ_CFG', 412, 0.05), at('FP8_DEFAULT_CFG', 800, 0.001), at('W4A8_AWQ_BETA_CFG', 412, 0.05),
    ]);
    assert.deepEqual(points.map((p) => p.label), ['NVFP4_DEFAULT_CFG', 'INT4_AWQ_CFG = W4A8_AWQ_BETA_CFG', 'FP8_DEFAULT_CFG']);
    assert.deepEqual(points.map((p) => [p.bytes, p.damage]), [[450, 0.02], [412, 0.05], [800, 0.001]]);
  });

  it('the same size with another damage (or the same damage at another size) is another point', () => {
    const points = presetPoints([at('A', 412, 0.05), at('B', 412, 0.06), at('C', 413, 0.05)]);
    assert.deepEqual(points.map((p) => p.label), ['A', 'B', 'C']);
  });
});
