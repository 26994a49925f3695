/**
 * llama-imatrix's legacy binary format (tools/imatrix/imatrix.cpp save_imatrix_legacy, llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62): int32 entry count; per entry int32 name length, the
 * name, int32 ncall, int32 nval, nval float32 (sum / count * ncall); then int32 chunk count and
 * int32 length + the dataset file name (both absent in the oldest files). Little-endian.
 */
import { Cursor } from '../../io/cursor';
import type { Imatrix, ImatrixEntry } from './imatrixTypes';
import { MAX_DAT_NAME_BYTES, MAX_IMATRIX_VALUES } from './imatrixTypes';

const FORMAT = 'imatrix';

export function parseImatrixDat(bytes: Uint8Array, file: string): Imatrix {
  const c = new Cursor(bytes, FORMAT);
  const count = c.i32('entry count');
  if (count <= 0) c.fail(`entry count ${count} is not positive (not a llama.cpp imatrix .dat?)`, 0);
  const entries = new Map<string, ImatrixEntry>();
  let total = 0;
  for (let k = 0; k < count; k++) {
    const length = c.i32('name length');
    if (length <= 0 || length > MAX_DAT_NAME_BYTES) c.fail(`entry ${k}: name length ${length} is out of range`, c.fileOffset - 4);
    const name = c.utf8(length, 'entry name');
    const ncall = c.i32(`${name}: ncall`);
    const nval = c.i32(`${name}: nval`);
    if (nval <= 0 || ncall < 0) c.fail(`${name}: ${nval} values, ${ncall} calls`, c.fileOffset - 8);
    total += nval;
    if (total > MAX_IMATRIX_VALUES) c.fail(`more than ${MAX_IMATRIX_VALUES} values in all`);
    c.need(4 * nval, `${name}: values`);
    const values = new Float32Array(nval);
    for (let i = 0; i < nval; i++) {
      const v = c.f32();
      // the sums were stored multiplied by ncall // quantize.cpp load_imatrix: "divide by ncall"
      values[i] = ncall > 0 ? v / ncall : v;
    }
    if (entries.has(name)) c.fail(`${name} appears twice`);
    entries.set(name, { values, matrices: 1 });
  }
  let chunkCount: number | null = null;
  const datasets: string[] = [];
  if (c.remaining > 0) {
    chunkCount = c.i32('chunk count');
    if (c.remaining > 0) {
      const length = c.i32('dataset name length');
      if (length < 0 || length > MAX_DAT_NAME_BYTES) c.fail(`dataset name length ${length} is out of range`, c.fileOffset - 4);
      datasets.push(c.utf8(length, 'dataset name'));
    }
  }
  if (c.remaining > 0) c.fail(`${c.remaining} bytes after the dataset name`);
  return { file, format: 'dat', entries, datasets, chunkCount };
}
