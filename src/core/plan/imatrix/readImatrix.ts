import { promises as fs } from 'node:fs';
import { FormatError, UsageError } from '../../errors';
import { openModel } from '../../formats/registry';
import type { Imatrix } from './imatrixTypes';
import { MAX_IMATRIX_VALUES } from './imatrixTypes';
import { parseImatrixDat } from './readImatrixDat';
import { readImatrixGguf } from './readImatrixGguf';

const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46];
/** A legacy .dat holds little besides its floats: a few bytes per entry on top of 4 per value. */
const MAX_DAT_BYTES = 4 * MAX_IMATRIX_VALUES + 64 * 1024 * 1024;

/** A llama.cpp importance matrix, GGUF or legacy .dat (told apart by the GGUF magic, not the name). */
export async function readImatrix(file: string): Promise<Imatrix> {
  let head: Buffer;
  let size: number;
  try {
    const handle = await fs.open(file, 'r');
    try {
      size = (await handle.stat()).size;
      head = Buffer.alloc(4);
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new UsageError(`--imatrix ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (GGUF_MAGIC.every((b, i) => head[i] === b)) {
    const model = await openModel([file]);
    try {
      return await readImatrixGguf(model);
    } finally {
      await model.close();
    }
  }
  if (size > MAX_DAT_BYTES) throw new FormatError('imatrix', `${file}: ${size} bytes is more than an imatrix .dat holds (${MAX_DAT_BYTES})`);
  const bytes = await fs.readFile(file);
  return parseImatrixDat(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}
