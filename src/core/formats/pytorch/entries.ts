import * as path from 'node:path';
import { contiguousData } from '../../dtypes/contiguous';
import { PLAIN_DTYPES } from '../../../shared/vocab/dtypes';
import { isRowMajor, stridedData, viewExtent } from '../../dtypes/strided';
import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { product, type TensorEntry } from '../../tensor';
import { FORMAT, type Quantization, type TorchStorage } from './pickle';
import { nameTensors, type NamedTensor } from './tensors';
import type { PickleValue } from '../../pickle/values';

/** Where one storage's bytes are. */
export interface StorageBytes {
  readonly source: ByteSource;
  /** Offset of element 0 of the (root) storage in `source`. */
  readonly offset: number;
  /** Bytes available from `offset`. */
  readonly byteLength: number;
  readonly littleEndian: boolean;
}

export interface Unsupported {
  readonly name: string;
  readonly reason: string;
}

export interface Entries {
  readonly tensors: TensorEntry[];
  readonly unsupported: Unsupported[];
  readonly quantized: Record<string, Quantization>;
}

/**
 * Turns named views into lazy tensor entries: a dense view reads its bytes directly,
 * any other view gathers them. Every view must fit inside its storage, and every storage
 * inside the bytes the file holds for it.
 */
export async function tensorEntries(
  named: readonly NamedTensor[],
  locate: (storage: TorchStorage) => Promise<StorageBytes>,
  file: string,
): Promise<Entries> {
  const out: Entries = { tensors: [], unsupported: [], quantized: {} };
  for (const { name, tensor } of named) {
    const { storage, shape, strides } = tensor;
    const dtype = storage.type.dtype;
    if (dtype === null) {
      out.unsupported.push({ name, reason: `storage type ${storage.type.name} is not supported` });
      continue;
    }
    const width = PLAIN_DTYPES[dtype].bytes;
    const numel = product(shape);
    const viewStart = storage.view?.offset ?? 0;
    const available = storage.view?.numel ?? storage.numel;
    if (viewStart + available > storage.numel) {
      throw new FormatError(FORMAT, `storage view ${viewStart}+${available} of '${name}' runs past its storage of ${storage.numel} elements`);
    }
    const extent = viewExtent(shape, strides);
    if (numel > 0 && tensor.storageOffset + extent > available) {
      throw new FormatError(FORMAT, `tensor '${name}' (offset ${tensor.storageOffset}, shape [${shape}], stride [${strides}]) reaches element ${tensor.storageOffset + extent} of a storage of ${available}`);
    }
    const bytes = await locate(storage);
    if (storage.numel * width > bytes.byteLength) {
      throw new FormatError(FORMAT, `storage '${storage.key}' of ${storage.numel} ${dtype} elements needs ${storage.numel * width} bytes but the file holds ${bytes.byteLength}`, bytes.offset);
    }
    const offset = bytes.offset + (viewStart + tensor.storageOffset) * width;
    const layout = { source: bytes.source, format: FORMAT, offset, dtype, littleEndian: bytes.littleEndian };
    const data = isRowMajor(shape, strides) ? contiguousData({ ...layout, numel }) : stridedData({ ...layout, shape, strides });
    out.tensors.push({ name, dtype, shape, numel, byteLength: numel * width, source: file, data });
    if (tensor.quantization) out.quantized[name] = tensor.quantization;
  }
  return out;
}

/** The tensors of one unpickled torch file and what else it says, ready for a Model. */
export interface TorchContents {
  readonly tensors: TensorEntry[];
  readonly metadata: Record<string, unknown>;
}

/** Names the tensors under `root`, locates their storages, and gathers metadata. */
export async function torchContents(
  root: PickleValue,
  locate: (storage: TorchStorage) => Promise<StorageBytes>,
  file: string,
): Promise<TorchContents> {
  const walked = nameTensors(root, path.basename(file).replace(/\.[^.]*$/, '') || 'tensor');
  const entries = await tensorEntries(walked.tensors, locate, file);
  const metadata: Record<string, unknown> = {};
  if (Object.keys(walked.scalars).length > 0) metadata.values = walked.scalars;
  if (entries.unsupported.length > 0) metadata.unsupported = entries.unsupported;
  if (Object.keys(entries.quantized).length > 0) metadata.quantized = entries.quantized;
  return { tensors: entries.tensors, metadata };
}
