import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { CHUNK_ELEMENTS } from '../../../src/core/analysis/chunkStream';
import type { Scheme } from '../../../src/shared/analysisTypes';
import { noise } from '../worker/fixtures';
import { memoryTensor } from './memoryTensor';

describe('named formats for the table alone: pass 2 in pass 1\'s read', () => {
  it('reads the tensor once, reports progress up to numel, and gives what the two-pass run gives', async () => {
    const rows = 40;
    const cols = 4096;
    const x = noise(rows * cols, 11, 0.1);
    x[77] = Number.NaN;
    x[5000] = -Infinity;
    const formats = (['q4_k', 'q8_0', 'mxfp4', 'fp8_e5m2'] as const).map((format): Scheme => ({ kind: 'format', format }));
    const onePass = memoryTensor(x, [rows, cols]);
    const seen: number[] = [];
    const alone = await analyzeTensor(onePass, { schemes: formats, histogramBins: 8, tableOnly: true }, { onElements: (k) => seen.push(k) });
    const chunks = Math.ceil((rows * cols) / CHUNK_ELEMENTS);
    assert.equal(onePass.reads, chunks);
    assert.equal(seen[seen.length - 1], rows * cols);
    assert.ok(seen.every((v, i) => i === 0 || v > seen[i - 1]!));
    // NVFP4's tensor-wide scale needs pass 1 first: the same schemes then run in a second read.
    const twoPass = memoryTensor(x, [rows, cols]);
    const withNvfp4 = await analyzeTensor(twoPass, { schemes: [...formats, { kind: 'format', format: 'nvfp4' }], histogramBins: 8, tableOnly: true });
    assert.equal(twoPass.reads, 2 * chunks);
    assert.deepEqual(alone.stats, withNvfp4.stats);
    assert.deepEqual(alone.results, withNvfp4.results.slice(0, formats.length));
  });
});
