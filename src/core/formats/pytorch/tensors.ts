import { FormatError } from '../../errors';
import { keyOf } from '../../pickle/keys';
import { PyDict, PyList, PyObject, PySet, PyTuple, type PickleValue } from '../../pickle/values';
import { FORMAT, TorchTensor } from './pickle';

/** Values visited while naming tensors: shared references could otherwise multiply paths exponentially. */
export const MAX_WALK_VISITS = 2_000_000;
/** Nesting followed while naming tensors; state dicts and module trees are a few dozen deep. */
export const MAX_WALK_DEPTH = 256;
/** Tensors in one file: a table beyond this is not a weight file. */
export const MAX_TENSORS = 500_000;
/**
 * Names beyond one per tensor object (aliases) allowed, however few the tensors: tied weights
 * and modules shared across a model give some, while one dict held 30,000 times would list
 * 30,000 copies of every tensor from a 60 KB file. More aliases than tensors are allowed too.
 */
export const MAX_ALIASES = 4096;
/** Plain values kept as metadata (epoch, step, lr): enough for a checkpoint's bookkeeping. */
export const MAX_METADATA_SCALARS = 256;
/** Longer strings are data, not bookkeeping, and stay out of the metadata. */
const MAX_METADATA_STRING = 256;

export interface NamedTensor {
  readonly name: string;
  readonly tensor: TorchTensor;
}

export type Scalar = string | number | boolean;

export interface Walked {
  readonly tensors: NamedTensor[];
  /** JSON-safe plain values found next to the tensors, by dotted name. */
  readonly scalars: Record<string, Scalar>;
}

/**
 * Names every tensor reachable from the unpickled root the way torch names state-dict keys:
 * dict keys joined with dots, list items by index, and for a pickled nn.Module (a placeholder
 * whose state holds `_parameters`, `_buffers`, `_modules`) the names `state_dict()` would give.
 */
export function nameTensors(root: PickleValue, rootName: string): Walked {
  const walker = new Walker(rootName);
  walker.visit(root, '', 0);
  return { tensors: walker.tensors, scalars: walker.scalars };
}

class Walker {
  readonly tensors: NamedTensor[] = [];
  readonly scalars: Record<string, Scalar> = {};
  private scalarCount = 0;
  private visits = 0;
  private readonly onPath = new Set<object>();
  private readonly used = new Set<string>();
  private readonly distinct = new Set<TorchTensor>();
  /** Next suffix to try per base name, so 30,000 tensors named alike cost 30,000 steps, not 30,000^2 / 2. */
  private readonly nextSuffix = new Map<string, number>();

  constructor(private readonly rootName: string) {}

  visit(value: PickleValue, path: string, depth: number): void {
    if (++this.visits > MAX_WALK_VISITS) throw new FormatError(FORMAT, `pickle references more than ${MAX_WALK_VISITS} values`);
    if (depth > MAX_WALK_DEPTH) throw new FormatError(FORMAT, `pickle nests deeper than ${MAX_WALK_DEPTH} levels at '${path}'`);
    if (value instanceof TorchTensor) return this.addTensor(path, value);
    if (value === null || value instanceof PySet) return;
    if (typeof value !== 'object') return this.addScalar(path, value);
    // A cycle (a module that references its parent) is followed once.
    if (this.onPath.has(value)) return;
    this.onPath.add(value);
    if (value instanceof PyDict) this.visitDict(value, path, depth);
    else if (value instanceof PyList || value instanceof PyTuple) value.items.forEach((item, i) => this.visit(item, join(path, String(i)), depth + 1));
    else if (value instanceof PyObject) this.visitObject(value, path, depth);
    this.onPath.delete(value);
  }

  private visitDict(dict: PyDict, path: string, depth: number, skip: ReadonlySet<string> = new Set()): void {
    for (const { key, value } of dict.entries.values()) {
      const name = typeof key === 'string' ? key : typeof key === 'bigint' ? key.toString() : undefined;
      if (name !== undefined && !skip.has(name)) this.visit(value, join(path, name), depth + 1);
    }
  }

  private visitObject(object: PyObject, path: string, depth: number): void {
    const state = object.state;
    if (state instanceof PyDict && isModuleState(state)) return this.visitModule(state, path, depth);
    // BUILD state is a __dict__, or a (__dict__, slots) pair; both name attributes.
    if (state instanceof PyDict) this.visitDict(state, path, depth);
    else if (state instanceof PyTuple) for (const part of state.items) if (part instanceof PyDict) this.visitDict(part, path, depth);
    this.visitDict(object.dictItems, path, depth);
    object.listItems.forEach((item, i) => this.visit(item, join(path, String(i)), depth + 1));
  }

  /** torch/nn/modules/module.py _save_to_state_dict: parameters, persistent buffers, then children. */
  private visitModule(state: PyDict, path: string, depth: number): void {
    const nonPersistent = new Set<string>();
    const skipSet = attribute(state, '_non_persistent_buffers_set');
    if (skipSet instanceof PySet) for (const item of skipSet.items) if (typeof item === 'string') nonPersistent.add(item);
    for (const [field, skip] of [['_parameters', new Set<string>()], ['_buffers', nonPersistent], ['_modules', new Set<string>()]] as const) {
      const dict = attribute(state, field);
      if (dict instanceof PyDict) this.visitDict(dict, path, depth, skip);
    }
  }

  private addTensor(path: string, tensor: TorchTensor): void {
    if (this.tensors.length >= MAX_TENSORS) throw new FormatError(FORMAT, `more than ${MAX_TENSORS} tensors`);
    this.distinct.add(tensor);
    const aliases = this.tensors.length + 1 - this.distinct.size;
    if (aliases > Math.max(MAX_ALIASES, this.distinct.size)) {
      throw new FormatError(FORMAT, `${this.tensors.length + 1} names for ${this.distinct.size} tensors: shared references name each tensor too many times`);
    }
    const base = path === '' ? this.rootName : path;
    let name = base;
    // Keys "a.b" and {"a": {"b": ...}} both give "a.b"; later ones get a suffix so every name stays unique.
    if (this.used.has(name)) {
      let n = this.nextSuffix.get(base) ?? 2;
      for (name = `${base}#${n}`; this.used.has(name); ) name = `${base}#${++n}`;
      this.nextSuffix.set(base, n + 1);
    }
    this.used.add(name);
    this.tensors.push({ name, tensor });
  }

  private addScalar(path: string, value: string | number | bigint | boolean): void {
    if (path === '' || this.scalarCount >= MAX_METADATA_SCALARS) return;
    if (typeof value === 'number' && !Number.isFinite(value)) return;
    if (typeof value === 'string' && value.length > MAX_METADATA_STRING) return;
    const safe = typeof value === 'bigint' ? (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()) : value;
    this.scalars[path] = safe;
    this.scalarCount++;
  }
}

function isModuleState(state: PyDict): boolean {
  return attribute(state, '_parameters') instanceof PyDict && attribute(state, '_modules') instanceof PyDict;
}

function attribute(dict: PyDict, name: string): PickleValue | undefined {
  const hashed = keyOf(name);
  return typeof hashed === 'string' ? dict.entries.get(hashed)?.value : undefined;
}

function join(path: string, part: string): string {
  return path === '' ? part : `${path}.${part}`;
}
