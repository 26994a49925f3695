/** Arrays of calibration data: the arrays of an .npy/.npz, or a folder of .npy files stacked along axis 0. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DType } from '../../../shared/vocab/dtypes';
import { FormatError, UsageError } from '../../errors';
import { openModel } from '../../formats/registry';
import { product, type Model, type TensorEntry, type Values } from '../../tensor';

/** Where bad data is blamed (CLI.md: exit code 2, "bad calibration data"). */
export const DATA_FORMAT = 'data';

export interface DataArray {
  /** `calib.npy`, `test.npz:x`, `samples/ (12 files)`. */
  readonly label: string;
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Rows [start, start + rows) along axis 0, row-major. */
  readRows(start: number, rows: number): Promise<Values>;
}

export interface DataFiles {
  readonly arrays: readonly DataArray[];
  close(): Promise<void>;
}

/** Opens an .npy, an .npz, or a folder of .npy files (sorted by name) whose arrays all have `sampleRank` or `sampleRank + 1` dims. */
export async function openDataFiles(target: string, sampleRank: number | null): Promise<DataFiles> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch {
    throw new UsageError(`${target}: no such file`);
  }
  if (stat.isDirectory()) return openFolder(target, sampleRank);
  if (!/\.(npy|npz)$/i.test(target)) throw new UsageError(`${target}: calibration data must be .npy, .npz or a folder of .npy files`);
  const model = await openModel([target]);
  const base = path.basename(target);
  const single = model.tensors.length === 1 && /\.npy$/i.test(target);
  return {
    arrays: model.tensors.map((t) => entryArray(t, single ? base : `${base}:${t.name}`)),
    close: () => model.close(),
  };
}

function entryArray(t: TensorEntry, label: string): DataArray {
  const rowSize = product(t.shape.slice(1));
  return {
    label,
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    readRows: (start, rows) => (t.shape.length === 0 ? t.data.read(0, 1) : t.data.read(start * rowSize, rows * rowSize)),
  };
}

async function openFolder(folder: string, sampleRank: number | null): Promise<DataFiles> {
  const names = (await fs.readdir(folder)).filter((f) => /\.npy$/i.test(f)).sort();
  if (names.length === 0) throw new UsageError(`${folder}: no .npy files in the folder`);
  const models: Model[] = [];
  try {
    for (const name of names) models.push(await openModel([path.join(folder, name)]));
    return { arrays: [stackFiles(folder, names, models, sampleRank)], close: () => closeAll(models) };
  } catch (e) {
    await closeAll(models);
    throw e;
  }
}

async function closeAll(models: readonly Model[]): Promise<void> {
  await Promise.all(models.map((m) => m.close()));
}

/** One array over the files: a file of `sampleRank` dims is one sample, of `sampleRank + 1` a batch. */
function stackFiles(folder: string, names: readonly string[], models: readonly Model[], sampleRank: number | null): DataArray {
  const entries = models.map((m) => m.tensors[0]!);
  const first = entries[0]!;
  const rank = sampleRank ?? first.shape.length - 1;
  const sampleShape = first.shape.length === rank ? first.shape : first.shape.slice(1);
  const rowsPerFile = entries.map((t, i) => {
    const asBatch = t.shape.length === rank + 1;
    const shape = asBatch ? t.shape.slice(1) : t.shape;
    if ((!asBatch && t.shape.length !== rank) || shape.join(',') !== sampleShape.join(',') || t.dtype !== first.dtype) {
      throw new FormatError(DATA_FORMAT, `${names[i]} is ${t.dtype} [${t.shape.join(', ')}], unlike ${names[0]} (${first.dtype} [${first.shape.join(', ')}]): every file must hold samples of one shape and dtype`, undefined, path.join(folder, names[i]!));
    }
    return asBatch ? t.shape[0]! : 1;
  });
  const starts: number[] = [];
  let total = 0;
  for (const rows of rowsPerFile) {
    starts.push(total);
    total += rows;
  }
  const rowSize = product(sampleShape);
  return {
    label: `${path.basename(folder)}/ (${names.length} files)`,
    name: path.basename(folder),
    dtype: first.dtype,
    shape: [total, ...sampleShape],
    async readRows(start, rows) {
      const parts: Values[] = [];
      for (let f = 0; f < entries.length && rows > 0; f++) {
        const end = starts[f]! + rowsPerFile[f]!;
        if (start >= end) continue;
        const take = Math.min(rows, end - start);
        parts.push(await entries[f]!.data.read((start - starts[f]!) * rowSize, take * rowSize));
        start += take;
        rows -= take;
      }
      return concatValues(parts);
    },
  };
}

function concatValues(parts: readonly Values[]): Values {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const Ctor = parts[0]!.constructor as new (n: number) => Values;
  const out = new Ctor(total);
  let offset = 0;
  for (const p of parts) {
    (out as { set(a: ArrayLike<number | bigint>, o: number): void }).set(p, offset);
    offset += p.length;
  }
  return out;
}
