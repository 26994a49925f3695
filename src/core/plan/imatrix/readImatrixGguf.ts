/**
 * llama-imatrix's GGUF format (tools/imatrix/imatrix.cpp save_imatrix, llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62): general.type = "imatrix", imatrix.datasets,
 * imatrix.chunk_count, imatrix.chunk_size; per weight `<name>.in_sum2` (F32, ne = [ne0, n_mat]:
 * raw sums of squared activations) and `<name>.counts` (F32, ne = [1, n_mat]: tokens per matrix).
 */
import { FormatError } from '../../errors';
import type { Model, TensorEntry } from '../../tensor';
import type { Imatrix, ImatrixEntry } from './imatrixTypes';
import { MAX_IMATRIX_VALUES } from './imatrixTypes';

const FORMAT = 'imatrix';
const SUMS = '.in_sum2';
const COUNTS = '.counts';

async function readAll(t: TensorEntry): Promise<Float32Array> {
  if (t.dtype !== 'F32') throw new FormatError(FORMAT, `${t.name} is ${t.dtype}, not F32`);
  const values = await t.data.read(0, t.numel);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

export async function readImatrixGguf(model: Model): Promise<Imatrix> {
  if (model.metadata['general.type'] !== 'imatrix') {
    throw new FormatError(FORMAT, `${model.file} is a GGUF but not an importance matrix (general.type is ${JSON.stringify(model.metadata['general.type'] ?? null)})`);
  }
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const entries = new Map<string, ImatrixEntry>();
  let total = 0;
  for (const t of model.tensors) {
    if (t.name.endsWith(COUNTS)) {
      if (!byName.has(t.name.slice(0, -COUNTS.length) + SUMS)) throw new FormatError(FORMAT, `${t.name} has no ${SUMS} beside it`);
      continue;
    }
    if (!t.name.endsWith(SUMS)) throw new FormatError(FORMAT, `unexpected tensor ${t.name} (an imatrix holds <name>${SUMS} and <name>${COUNTS})`);
    const name = t.name.slice(0, -SUMS.length);
    const countsEntry = byName.get(name + COUNTS);
    if (!countsEntry) throw new FormatError(FORMAT, `${name}: ${SUMS} without ${COUNTS}`);
    total += t.numel;
    if (total > MAX_IMATRIX_VALUES) throw new FormatError(FORMAT, `more than ${MAX_IMATRIX_VALUES} values in all`);
    const sums = await readAll(t);
    const counts = await readAll(countsEntry);
    const matrices = counts.length;
    if (matrices === 0 || sums.length % matrices !== 0) {
      throw new FormatError(FORMAT, `${name}: ${sums.length} sums do not split into ${matrices} matrices`);
    }
    const ne0 = sums.length / matrices;
    const values = new Float32Array(sums.length);
    for (let j = 0; j < matrices; j++) {
      const count = counts[j]!;
      // quantize.cpp load_imatrix: sums over tokens divided by the matrix's tokens; 1 where it saw none
      for (let i = 0; i < ne0; i++) values[j * ne0 + i] = count > 0 ? sums[j * ne0 + i]! / count : 1;
    }
    entries.set(name, { values, matrices });
  }
  const datasets = model.metadata['imatrix.datasets'];
  const chunks = model.metadata['imatrix.chunk_count'];
  return {
    file: model.file,
    format: 'gguf',
    entries,
    datasets: Array.isArray(datasets) ? datasets.filter((d): d is string => typeof d === 'string') : [],
    chunkCount: typeof chunks === 'number' ? chunks : typeof chunks === 'bigint' ? Number(chunks) : null,
  };
}
