import * as assert from 'node:assert/strict';
import { paretoSvg } from '../../../scripts/plan/paretoSvg';

describe('scripts/plan/paretoSvg: the README chart', () => {
  it('draws the front as one line through every point, each preset labelled, the plan marked', () => {
    const pareto = [{ bitsPerWeight: 4.5, predictedDamage: 0.3 }, { bitsPerWeight: 5, predictedDamage: 0.1 }, { bitsPerWeight: 6, predictedDamage: 0.01 }];
    const svg = paretoSvg({
      bitsPerWeight: 5, predictedDamage: 0.1, pareto,
      presets: [{ preset: 'Q4_K_M', bitsPerWeight: 5.1, predictedDamage: 0.2 }, { preset: 'A<B', bitsPerWeight: 6, predictedDamage: 0.02 }],
    });
    const line = /<polyline points="([^"]+)"/.exec(svg)![1]!.split(' ');
    assert.equal(line.length, pareto.length);
    // log scale: damage 0.3 -> 0.01 goes down the chart (larger y is less damage)
    const ys = line.map((p) => Number(p.split(',')[1]));
    assert.ok(ys[0]! < ys[1]! && ys[1]! < ys[2]!);
    assert.match(svg, />Q4_K_M</);
    assert.match(svg, />A&#60;B</);
    assert.match(svg, /plan at 5\.00 bpw/);
  });
});
