import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import type { Values } from '../../../src/core/tensor';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

interface ListedTensor {
  name: string;
  dtype: string;
  shape: number[];
  source: string;
  sha256: string;
}
const EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'onnx', 'silero_expected.json'), 'utf8')) as { files: Record<string, ListedTensor[]> };

/** sha256 of the values widened like the fixture script does: floats to float64, integers to int64. */
function wideSha256(values: Values): string {
  const wide = values instanceof BigInt64Array ? values
    : values instanceof Float32Array || values instanceof Float64Array ? Float64Array.from(values)
    : BigInt64Array.from(values as ArrayLike<number | bigint>, (v) => BigInt(v));
  return createHash('sha256').update(new Uint8Array(wide.buffer, wide.byteOffset, wide.byteLength)).digest('hex');
}

describe('ONNX reader on Silero VAD (torch export, Constants in nested If branches)', () => {
  for (const [file, expected] of Object.entries(EXPECTED.files)) {
    it(`lists every tensor of ${file} as onnx's Python API does, with identical values`, async () => {
      const m = await openModel([path.join(FIXTURES, 'calib', file)]);
      try {
        const listed = m.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, source: t.source }));
        const byName = new Map(expected.map((e) => [e.name, e]));
        assert.deepEqual(listed.map((t) => t.name).sort(), [...byName.keys()].sort());
        for (const t of m.tensors) {
          const e = byName.get(t.name)!;
          assert.deepEqual({ dtype: t.dtype, shape: t.shape, source: t.source }, { dtype: e.dtype, shape: e.shape, source: e.source }, t.name);
          assert.equal(wideSha256(await t.data.read(0, t.numel)), e.sha256, t.name);
        }
      } finally {
        await m.close();
      }
    });
  }
});
