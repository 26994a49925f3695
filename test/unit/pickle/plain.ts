import {
  PyBytes, PyCallable, PyClass, PyDict, PyList, PyNative, PyObject, PySet, PyTuple, type PickleValue,
} from '../../../src/core/pickle/values';

export type Plain = null | boolean | bigint | number | string | Plain[] | { [key: string]: Plain };

/** An unpickled value as plain data that assert.deepEqual can compare. */
export function plain(value: PickleValue): Plain {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof PyBytes) return { bytes: Buffer.from(value.bytes).toString('hex'), mutable: value.mutable };
  if (value instanceof PyTuple) return { tuple: value.items.map(plain) };
  if (value instanceof PyList) return value.items.map(plain);
  if (value instanceof PySet) return { [value.frozen ? 'frozenset' : 'set']: value.items.map(plain) };
  if (value instanceof PyDict) {
    const out: { [key: string]: Plain } = {};
    for (const { key, value: v } of value.entries.values()) out[typeof key === 'string' ? key : String(key)] = plain(v);
    return value.className === 'dict' ? out : { [value.className]: out };
  }
  if (value instanceof PyObject) {
    const out: { [key: string]: Plain } = { object: value.cls.qualifiedName, args: value.args.map(plain), state: value.state === undefined ? null : plain(value.state) };
    if (value.listItems.length > 0) out.items = value.listItems.map(plain);
    if (value.dictItems.entries.size > 0) out.dictItems = plain(value.dictItems);
    return out;
  }
  if (value instanceof PyClass) return { class: value.qualifiedName };
  if (value instanceof PyCallable) return { callable: value.qualifiedName };
  if (value instanceof PyNative) return { native: value.typeName };
  return String(value);
}
