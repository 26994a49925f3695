import * as assert from 'node:assert/strict';
import { builtAnalyze } from './builtCli';
import type { Run } from './run';
import { f32Tensor, noise, writeSafetensors } from '../worker/fixtures';

/** The header line's wall time differs from run to run. */
const withoutTime = (text: string): string => text.replace(/ · \d+\.\d\d s/g, ' · T');

describe('quantlens analyze --progressive (built CLI)', function () {
  this.timeout(60_000);
  let analyze: (...argv: string[]) => Promise<Run>;
  let file = '';

  before(async () => {
    analyze = await builtAnalyze();
    // 2048 rows of 64: a sample of 1024 rows; the vector is read whole.
    file = await writeSafetensors('progressive.safetensors', [f32Tensor('w', [2048, 64], noise(2048 * 64, 11)), f32Tensor('b', [64], noise(64, 12))]);
  });

  it('prints the estimate table with intervals first, then the same exact table as without --progressive', async () => {
    const [plain, progressive] = await Promise.all([analyze(file, '--formats', 'q8_0'), analyze(file, '--formats', 'q8_0', '--progressive')]);
    assert.equal(progressive.code, 0, progressive.stderr);
    const exactAt = progressive.stdout.indexOf(`${file} (safetensors)`);
    assert.ok(exactAt > 0, progressive.stdout);
    const estimate = progressive.stdout.slice(0, exactAt);
    assert.match(estimate, /first estimate from a sample of 65,600 values of 131,136/);
    assert.match(estimate, /^w +2048×64 +int8 sym † +≈ \S+ ± \S+ +≈ \S+ % ± \S+ % +≈ \S+ dB ± \S+ dB +≥ \S+$/m);
    assert.match(estimate, /^ +q8_0 +≈ \S+ ± \S+ /m, 'q8_0 blocks lie within a row: no range from the sample');
    assert.match(estimate, /^b +64 +int8 sym +\d\.\d\de-\d+ +\S+ % +\S+ dB +≥ /m, 'a vector read whole: exact figures, no interval');
    assert.match(estimate, /^† scale from the sample's range/m);
    assert.equal(withoutTime(progressive.stdout.slice(exactAt)), withoutTime(plain.stdout));
  });

  it('leaves --json unchanged and writes the estimate to stderr', async () => {
    const [plain, progressive] = await Promise.all([analyze(file, '--json'), analyze(file, '--json', '--progressive')]);
    assert.equal(progressive.code, 0, progressive.stderr);
    assert.deepEqual(JSON.parse(progressive.stdout), JSON.parse(plain.stdout));
    assert.match(progressive.stderr, /first estimate from a sample/);
  });
});
