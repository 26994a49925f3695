import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError } from '../../../src/core/errors';
import { openModel } from '../../../src/core/formats';
import { FileByteSource } from '../../../src/core/io/byteSource';
import { FILE_CHANGED } from '../../../src/core/io/fileIdentity';
import { f32Tensor, noise, writeSafetensors } from '../worker/fixtures';

const SIZE = 1 << 20;
const CHUNK = 1 << 16;

async function tempFile(bytes: Uint8Array): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-changed-'));
  const file = path.join(dir, 'data.bin');
  await fs.writeFile(file, bytes);
  return file;
}

function filled(value: number): Uint8Array {
  return new Uint8Array(SIZE).fill(value);
}

/** Asserts `work` fails with the one-line "the file changed on disk" naming `file`. */
async function rejectsChanged(work: Promise<unknown>, file: string): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.equal(e.message, FILE_CHANGED);
    assert.equal(e.file, file);
    return true;
  });
}

describe('io: a file that changes under a reader', () => {
  it('reads an unchanged file chunk after chunk', async () => {
    const file = await tempFile(filled(7));
    const source = await FileByteSource.open(file);
    try {
      for (let at = 0; at < SIZE; at += CHUNK) assert.equal((await source.read(at, CHUNK, 'raw'))[0], 7);
    } finally {
      await source.close();
    }
  });

  for (const [what, change] of [
    ['rewritten in place (same size, same inode)', async (file: string) => {
      const h = await fs.open(file, 'r+');
      await h.write(filled(9), 0, SIZE, 0);
      await h.close();
    }],
    ['truncated', (file: string) => fs.truncate(file, SIZE / 2)],
    ['replaced by another file (rename over it)', async (file: string) => {
      await fs.writeFile(`${file}.new`, filled(9));
      await fs.rename(`${file}.new`, file);
    }],
    ['deleted', (file: string) => fs.unlink(file)],
  ] as const) {
    it(`ends with "${FILE_CHANGED}" when ${what} between two reads`, async () => {
      const file = await tempFile(filled(7));
      const source = await FileByteSource.open(file);
      try {
        assert.equal((await source.read(0, CHUNK, 'raw'))[0], 7);
        await change(file);
        // Past the truncation point too: a short read is the same error, never "truncated?" of a corrupt file.
        await rejectsChanged(source.read(SIZE - CHUNK, CHUNK, 'raw'), file);
        await rejectsChanged(source.read(CHUNK, CHUNK, 'raw'), file);
      } finally {
        await source.close();
      }
    });
  }

  it('a tensor read after its model file was rewritten fails instead of mixing versions', async () => {
    const file = await writeSafetensors('model.safetensors', [f32Tensor('w', [256, 256], noise(256 * 256, 1))]);
    const model = await openModel([file]);
    try {
      const tensor = model.tensors[0]!;
      const first = await tensor.data.read(0, 1024);
      assert.equal(first.length, 1024);
      const bytes = await fs.readFile(file);
      bytes.fill(0, bytes.length - 4096);
      await fs.writeFile(file, bytes);
      await rejectsChanged(tensor.data.read(1024, 1024), file);
    } finally {
      await model.close();
    }
  });

  it('a corrupt file that does not change keeps its own error (offsets past the end)', async () => {
    const file = await tempFile(filled(7));
    const source = await FileByteSource.open(file);
    try {
      await assert.rejects(source.read(SIZE - 10, 20, 'raw'), /needs bytes .* \(truncated\?\)/);
    } finally {
      await source.close();
    }
  });
});
