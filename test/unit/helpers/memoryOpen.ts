import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { FormatError } from '../../../src/core/errors';
import { MemoryByteSource } from '../../../src/core/io/byteSource';
import type { FormatReader, OpenContext } from '../../../src/core/formats/reader';
import type { Model } from '../../../src/core/tensor';

/** Opens in-memory files with one reader; the first key is the file the user named. */
export async function openFromBytes(reader: FormatReader, files: Record<string, Uint8Array>): Promise<Model> {
  const names = Object.keys(files);
  const ctx: OpenContext = {
    paths: names.slice(0, 1),
    async openSource(p) {
      const key = names.find((n) => n === p || path.basename(n) === path.basename(p));
      const bytes = key === undefined ? undefined : files[key];
      if (!bytes) throw new FormatError('file', `cannot open ${p}: ENOENT`);
      return new MemoryByteSource(p, bytes);
    },
  };
  return reader.open(ctx);
}

/** Opens the model and decodes every tensor fully, so payload errors surface too. */
export async function openAndReadAll(reader: FormatReader, files: Record<string, Uint8Array>): Promise<Model> {
  const model = await openFromBytes(reader, files);
  for (const t of model.tensors) await t.data.read(0, t.numel);
  return model;
}

/**
 * Truncates the first file at every prefix length (or every `step`-th) and expects a FormatError
 * each time: never a RangeError, a TypeError or a hang.
 */
export async function expectFormatErrorForEveryPrefix(
  reader: FormatReader,
  files: Record<string, Uint8Array>,
  step = 1,
): Promise<void> {
  const [first, ...rest] = Object.entries(files);
  assert.ok(first, 'no file given');
  const [name, bytes] = first;
  for (let len = 0; len < bytes.length; len += step) {
    const truncated = { [name]: bytes.subarray(0, len), ...Object.fromEntries(rest) };
    await assert.rejects(openAndReadAll(reader, truncated), (e: unknown) => {
      assert.ok(e instanceof FormatError, `prefix ${len}/${bytes.length}: expected FormatError, got ${String(e)}`);
      return true;
    });
  }
}
