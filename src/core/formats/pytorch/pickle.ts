import type { PlainDType } from '../../../shared/vocab/dtypes';
import { FormatError } from '../../errors';
import { restrictedResolver, type GlobalResolver } from '../../pickle/pythonGlobals';
import { describe, PyCallable, PyClass, PyNative, PyObject, PyTuple, type PickleValue } from '../../pickle/values';

export const FORMAT = 'pytorch';

/**
 * torch storage class names (as pickled, `torch.<Name>`) to the element type they hold (null for
 * types QuantLens does not decode) and its width in bytes. // torch/storage.py _dtype_to_storage_type_map
 */
const STORAGE_TYPES: ReadonlyArray<readonly [string, PlainDType | null, number]> = [
  ['DoubleStorage', 'F64', 8], ['FloatStorage', 'F32', 4], ['HalfStorage', 'F16', 2], ['BFloat16Storage', 'BF16', 2],
  ['LongStorage', 'I64', 8], ['IntStorage', 'I32', 4], ['ShortStorage', 'I16', 2], ['CharStorage', 'I8', 1],
  ['ByteStorage', 'U8', 1], ['BoolStorage', 'BOOL', 1], ['UntypedStorage', 'U8', 1],
  ['UInt16Storage', 'U16', 2], ['UInt32Storage', 'U32', 4], ['UInt64Storage', 'U64', 8],
  ['Float8_e4m3fnStorage', 'F8_E4M3', 1], ['Float8_e5m2Storage', 'F8_E5M2', 1],
  ['QInt8Storage', 'I8', 1], ['QUInt8Storage', 'U8', 1], ['QInt32Storage', 'I32', 4],
  ['ComplexFloatStorage', null, 8], ['ComplexDoubleStorage', null, 16], ['ComplexHalfStorage', null, 4],
  ['QUInt4x2Storage', null, 1], ['QUInt2x4Storage', null, 1], ['BitsStorage', null, 1],
  ['Float8_e4m3fnuzStorage', null, 1], ['Float8_e5m2fnuzStorage', null, 1],
];

/** A storage class named by a persistent id (`torch.FloatStorage`). */
export class TorchStorageType extends PyNative {
  readonly typeName = 'torch storage type';
  constructor(
    readonly name: string,
    readonly dtype: PlainDType | null,
    /** Bytes per element; undefined for storage types torch added after this table. */
    readonly itemSize: number | undefined,
  ) {
    super();
  }
}

/** A storage a persistent id points at: its bytes live in the file under `key`. */
export class TorchStorage extends PyNative {
  readonly typeName = 'torch storage';
  constructor(
    readonly key: string,
    readonly type: TorchStorageType,
    /** Elements of the storage's dtype in the whole (root) storage. */
    readonly numel: number,
    /** Legacy storage views: [first element, elements] of the root storage `key`. */
    readonly view?: { readonly offset: number; readonly numel: number },
  ) {
    super();
  }
}

export interface Quantization {
  readonly scheme: string;
  readonly scale?: number;
  readonly zeroPoint?: number;
  readonly axis?: number;
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view of a storage. */
export class TorchTensor extends PyNative {
  readonly typeName = 'torch tensor';
  constructor(
    readonly storage: TorchStorage,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly quantization?: Quantization,
  ) {
    super();
  }
}

/** A Python int that is a valid size, offset or count. */
export function asCount(value: PickleValue | undefined, what: string): number {
  if (typeof value !== 'bigint' || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FormatError(FORMAT, `${what} is ${value === undefined ? 'missing' : typeof value === 'bigint' ? value.toString() : describe(value)}, not a non-negative integer`);
  }
  return Number(value);
}

/** A tuple (or torch.Size, which unpickles to one) of sizes. */
function asCounts(value: PickleValue | undefined, what: string): number[] {
  if (!(value instanceof PyTuple)) throw new FormatError(FORMAT, `${what} is ${value === undefined ? 'missing' : describe(value)}, not a tuple`);
  return value.items.map((v, i) => asCount(v, `${what}[${i}]`));
}

function storageOf(value: PickleValue | undefined): TorchStorage {
  if (!(value instanceof TorchStorage)) throw new FormatError(FORMAT, `tensor storage is ${value === undefined ? 'missing' : describe(value)}`);
  return value;
}

/** torch/_utils.py _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
function rebuildTensor(args: readonly PickleValue[]): TorchTensor {
  const shape = asCounts(args[2], 'tensor size');
  const strides = asCounts(args[3], 'tensor stride');
  if (strides.length !== shape.length) throw new FormatError(FORMAT, `tensor has ${shape.length} sizes but ${strides.length} strides`);
  return new TorchTensor(storageOf(args[0]), asCount(args[1], 'storage offset'), shape, strides);
}

/** torch/_utils.py _rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad, backward_hooks). */
function rebuildQuantizedTensor(args: readonly PickleValue[]): TorchTensor {
  const plain = rebuildTensor(args);
  const params = args[4];
  const items = params instanceof PyTuple ? params.items : [];
  const scheme = items[0] instanceof PyClass ? items[0].name : 'unknown';
  const quantization: Quantization =
    scheme === 'per_tensor_affine' && typeof items[1] === 'number' && typeof items[2] === 'bigint'
      ? { scheme, scale: items[1], zeroPoint: Number(items[2]) }
      : typeof items[3] === 'bigint' ? { scheme, axis: Number(items[3]) } : { scheme };
  return new TorchTensor(plain.storage, plain.storageOffset, plain.shape, plain.strides, quantization);
}

/** torch/_utils.py _rebuild_parameter(data, requires_grad, backward_hooks[, state]): the data tensor. */
function rebuildParameter(args: readonly PickleValue[]): PickleValue {
  const [data] = args;
  if (!(data instanceof TorchTensor)) throw new FormatError(FORMAT, `parameter data is ${data === undefined ? 'missing' : describe(data)}`);
  return data;
}

/** torch/_tensor.py _rebuild_from_type_v2(func, new_type, args, state): a tensor subclass; the subclass is dropped. */
function rebuildFromType(args: readonly PickleValue[]): PickleValue {
  const [func, newType, funcArgs] = args;
  if (!(funcArgs instanceof PyTuple)) throw new FormatError(FORMAT, 'tensor subclass arguments are not a tuple');
  if (func instanceof PyCallable) return func.call(funcArgs.items);
  if (func instanceof PyClass) return new PyObject(func, funcArgs.items);
  throw new FormatError(FORMAT, `tensor subclass ${newType === undefined ? '' : describe(newType)} is rebuilt by a ${func === undefined ? 'missing function' : describe(func)}`);
}

/** torch.Size((2, 3)) is a tuple. */
function size(args: readonly PickleValue[]): PickleValue {
  const [dims] = args;
  if (args.length === 0) return new PyTuple([]);
  if (!(dims instanceof PyTuple)) throw new FormatError(FORMAT, `torch.Size of a ${dims === undefined ? 'nothing' : describe(dims)}`);
  return dims;
}

function torchAllowList(): Map<string, PickleValue> {
  const allowed = new Map<string, PickleValue>();
  const add = (qualified: string, call: (args: readonly PickleValue[]) => PickleValue) => allowed.set(qualified, new PyCallable(qualified, call));
  add('torch._utils._rebuild_tensor_v2', rebuildTensor);
  add('torch._utils._rebuild_tensor', rebuildTensor);
  add('torch._utils._rebuild_qtensor', rebuildQuantizedTensor);
  add('torch._utils._rebuild_parameter', rebuildParameter);
  add('torch._utils._rebuild_parameter_with_state', rebuildParameter);
  add('torch._tensor._rebuild_from_type_v2', rebuildFromType);
  add('torch._tensor._rebuild_from_type', rebuildFromType);
  add('torch.Size', size);
  for (const [name, dtype, itemSize] of STORAGE_TYPES) allowed.set(`torch.${name}`, new TorchStorageType(name, dtype, itemSize));
  // Where torch 1.11-1.13 and torch 2 define the untyped storage class.
  for (const alias of ['torch._UntypedStorage', 'torch.storage._UntypedStorage', 'torch.storage.UntypedStorage']) {
    allowed.set(alias, new TorchStorageType('UntypedStorage', 'U8', 1));
  }
  return allowed;
}

const TORCH_ALLOWED = torchAllowList();

/**
 * torch storage names outside the table (new dtypes) still name a storage, as torch's own
 * find_class treats any `*Storage`; their tensors are listed as unsupported.
 */
export function torchResolver(): GlobalResolver {
  const base = restrictedResolver(FORMAT, TORCH_ALLOWED);
  return (module, name) => {
    const value = base(module, name);
    if (value instanceof PyClass && module.startsWith('torch') && name.endsWith('Storage')) return new TorchStorageType(name, null, undefined);
    return value;
  };
}

/** The `('storage', storage_type, key, location, numel[, view_metadata])` persistent id of torch.save. */
export function parseStoragePid(pid: PickleValue): { readonly type: TorchStorageType; readonly key: string; readonly numel: number; readonly view: PickleValue } {
  if (!(pid instanceof PyTuple)) throw new FormatError(FORMAT, `persistent id is a ${describe(pid)}, not a tuple`);
  const [kind, type, key, location, numel, view] = pid.items;
  if (kind !== 'storage') throw new FormatError(FORMAT, `persistent id of kind ${kind === undefined ? 'none' : typeof kind === 'string' ? `'${kind}'` : describe(kind)} (only storages are supported)`);
  if (!(type instanceof TorchStorageType)) throw new FormatError(FORMAT, `storage type is ${type === undefined ? 'missing' : describe(type)}`);
  if (typeof key !== 'string') throw new FormatError(FORMAT, `storage key is ${key === undefined ? 'missing' : describe(key)}, not a string`);
  if (typeof location !== 'string') throw new FormatError(FORMAT, `storage location is ${location === undefined ? 'missing' : describe(location)}`);
  return { type, key, numel: asCount(numel, 'storage size'), view: view ?? null };
}
