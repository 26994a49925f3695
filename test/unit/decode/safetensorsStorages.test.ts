import * as assert from 'node:assert/strict';
import { openModel } from '../../../src/core/formats/registry';
import { decodeStoredGroup, findStoredGroups } from '../../../src/core/decode/index';
import type { StorageId } from '../../../src/core/decode/storage';
import { firstFloatMismatch } from '../ggml/fixtures';
import { expectedValues, fixturePath, storageView } from './fixtures';

/** Fixture file -> the storage of every group in it, and the tensors left standing for themselves. */
const FILES: readonly { file: string; storage: StorageId; groups: number; plain: readonly string[] }[] = [
  { file: 'gptq.safetensors', storage: 'gptq', groups: 4, plain: ['model.norm.weight'] },
  { file: 'awq.safetensors', storage: 'awq', groups: 2, plain: [] },
  { file: 'bnb.safetensors', storage: 'bnb-4bit', groups: 3, plain: [] },
  { file: 'compressed.safetensors', storage: 'compressed-pack', groups: 4, plain: [] },
  { file: 'fp8.safetensors', storage: 'fp8-scaled', groups: 3, plain: [] },
  { file: 'nvfp4.safetensors', storage: 'nvfp4', groups: 2, plain: [] },
];

describe('quantized storages in safetensors, against each library\'s dequantization (test/fixtures/storages)', () => {
  for (const { file, storage, groups, plain } of FILES) {
    it(`${file}: groups every member into ${groups} ${storage} tensors and decodes each bit for bit`, async () => {
      const expected = await expectedValues();
      const model = await openModel([fixturePath(file)]);
      try {
        const { summary, read } = storageView(model);
        const grouping = await findStoredGroups(summary, read);
        assert.deepEqual(grouping.groups.map((g) => g.storage), new Array(groups).fill(storage));
        assert.deepEqual(grouping.plain.map((t) => t.name), plain);
        assert.deepEqual(grouping.problems, []);
        for (const group of grouping.groups) {
          const want = expected.get(`${file}:${group.logical}`);
          assert.ok(want, `no expected values for ${group.logical}`);
          assert.deepEqual(group.shape, want.shape, group.logical);
          const got = await decodeStoredGroup(group, read);
          const at = firstFloatMismatch(got, want.values);
          assert.equal(at, -1, at < 0 ? '' : `${group.logical} [${group.storage} ${JSON.stringify(group.params)}] value ${at}: got ${got[at]}, library ${want.values[at]}`);
        }
      } finally {
        await model.close();
      }
    });
  }
});
