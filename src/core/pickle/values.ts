/**
 * What the restricted unpickler builds: plain data only. Python `int` is a bigint and
 * `float` a number, so the two never mix; nothing here can run code.
 */
export type PickleValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | PyBytes
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyClass
  | PyObject
  | PyCallable
  | PyNative;

/** `bytes` (or `bytearray` when mutable). */
export class PyBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly mutable = false,
  ) {}
}

export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

export class PyList {
  readonly items: PickleValue[] = [];
  /** Attributes set by BUILD (a list subclass). */
  state: PickleValue | undefined;
}

/** A dict (or OrderedDict, or a dict the unpickler filled for a placeholder object). */
export class PyDict {
  /** Insertion-ordered, keyed by the Python equality of the key (see pickle/keys.ts). */
  readonly entries = new Map<string, { readonly key: PickleValue; value: PickleValue }>();
  /** Attributes set by BUILD (OrderedDict's `_metadata` in torch state dicts). */
  state: PickleValue | undefined;

  constructor(readonly className = 'dict') {}
}

export class PySet {
  readonly items: PickleValue[] = [];
  constructor(readonly frozen: boolean) {}
}

/** A global that is neither allowed nor refused: an inert stand-in for a class or function. */
export class PyClass {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * What "calling" a PyClass produced: the call is recorded, never made. BUILD, APPEND and
 * SETITEM on it are recorded too, so a pickled nn.Module keeps its `__dict__` as data.
 */
export class PyObject {
  state: PickleValue | undefined;
  readonly listItems: PickleValue[] = [];
  readonly dictItems = new PyDict();

  constructor(
    readonly cls: PyClass,
    readonly args: readonly PickleValue[],
    readonly kwargs: PickleValue = null,
  ) {}
}

/** An allowed global: an inert constructor of plain data (OrderedDict, torch.Size, tensor rebuilders). */
export class PyCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly PickleValue[]) => PickleValue,
  ) {}
}

/** Data objects built by an allowed global (a storage, a tensor view, a dtype): opaque to the unpickler. */
export abstract class PyNative {
  abstract readonly typeName: string;
  /** BUILD on this object; the default keeps nothing, as the state is Python-side decoration. */
  setState(_state: PickleValue): void {}
}

/** A short Python-ish name for a value's type, for error messages. */
export function describe(value: PickleValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'str';
  if (value instanceof PyBytes) return value.mutable ? 'bytearray' : 'bytes';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyList) return 'list';
  if (value instanceof PyDict) return value.className;
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyClass) return `class ${value.qualifiedName}`;
  if (value instanceof PyObject) return `${value.cls.qualifiedName} object`;
  if (value instanceof PyCallable) return value.qualifiedName;
  return value.typeName;
}
