import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import '../../../src/core/quant/ggml/index';
import { GGML_TYPES } from '../../../src/core/quant/ggml/table';
import type { GgmlDType } from '../../../src/shared/vocab/dtypes';
import { IQ1S_GRID } from '../../../src/core/quant/ggml/grids/iq1sGrid';
import { IQ2S_GRID } from '../../../src/core/quant/ggml/grids/iq2sGrid';
import { IQ2XS_GRID } from '../../../src/core/quant/ggml/grids/iq2xsGrid';
import { IQ2XXS_GRID } from '../../../src/core/quant/ggml/grids/iq2xxsGrid';
import { IQ3S_GRID } from '../../../src/core/quant/ggml/grids/iq3sGrid';
import { IQ3XXS_GRID } from '../../../src/core/quant/ggml/grids/iq3xxsGrid';
import { KMASK_IQ2XS, KSIGNS_IQ2XS } from '../../../src/core/quant/ggml/grids/signs';
import { firstFloatMismatch, GGML_FIXTURES } from './fixtures';

/** Written by scripts/fixtures/ggml_grid_vectors.sh from ggml-quants.c compiled as it is. */
const GRID_FIXTURES = path.join(GGML_FIXTURES, 'grid');

interface GridManifest {
  readonly commit: string;
  readonly randomValues: number;
  readonly tables: Readonly<Record<string, number>>;
  readonly types: Readonly<Record<string, { id: number; blockSize: number; typeSize: number }>>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(GRID_FIXTURES, 'manifest.json'), 'utf8')) as GridManifest;

function bytes(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(GRID_FIXTURES, name)));
}

function floats(name: string): Float32Array {
  const b = bytes(name);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

const PORTED_TABLES: Readonly<Record<string, Uint8Array>> = {
  kmask_iq2xs: KMASK_IQ2XS, ksigns_iq2xs: KSIGNS_IQ2XS, iq2xxs_grid: IQ2XXS_GRID, iq2xs_grid: IQ2XS_GRID,
  iq2s_grid: IQ2S_GRID, iq3xxs_grid: IQ3XXS_GRID, iq3s_grid: IQ3S_GRID, iq1s_grid: IQ1S_GRID,
};

describe(`ggml grid i-quants, NVFP4, Q1_0 and Q2_0 against ggml-quants.c (llama.cpp ${manifest.commit.slice(0, 7)}, test/fixtures/ggml/grid)`, () => {
  it('every table ggml compiled is ported byte for byte', () => {
    assert.deepEqual(Object.keys(PORTED_TABLES).sort(), Object.keys(manifest.tables).sort());
    for (const [name, length] of Object.entries(manifest.tables)) {
      const ours = PORTED_TABLES[name]!;
      const ggml = bytes(`${name}.bin`);
      assert.equal(ggml.length, length);
      const at = ours.findIndex((b, i) => b !== ggml[i]);
      assert.ok(ours.length === ggml.length && at < 0, `${name}: byte ${at} differs (ours ${ours[at]}, ggml ${ggml[at]})`);
    }
  });

  for (const [name, info] of Object.entries(manifest.types)) {
    describe(name, () => {
      const t = GGML_TYPES.get(name.toUpperCase() as GgmlDType);

      it('is registered with ggml\'s id and block layout', () => {
        assert.ok(t, `${name} is not registered`);
        assert.deepEqual([t.id, t.blockSize, t.typeSize], [info.id, info.blockSize, info.typeSize]);
      });

      for (const [kind, what] of [['deq', 'blocks ggml\'s quantizer made'], ['rand', 'random block bytes']] as const) {
        it(`dequantizes ${what} bit for bit as dequantize_row_${name}`, () => {
          const src = bytes(kind === 'deq' ? `${name}.q.bin` : `${name}.rand.bin`);
          const expected = floats(`${name}.${kind}.f32`);
          const actual = new Float32Array(expected.length);
          t!.dequantize(src, actual, src.length / t!.typeSize);
          assert.equal(actual.length, (src.length / info.typeSize) * info.blockSize);
          const at = firstFloatMismatch(actual, expected);
          assert.equal(at, -1, at < 0 ? '' : `value ${at} (block ${Math.floor(at / info.blockSize)}): got ${actual[at]}, ggml ${expected[at]}`);
        });
      }
    });
  }
});
