import { FormatError } from '../errors';
import { dangerReason } from './denyList';
import { PyBytes, PyCallable, PyClass, PyDict, PyList, PyObject, PySet, PyTuple, describe, type PickleValue } from './values';

/** A global resolver for `unpickle`: refuses dangerous names, maps allowed ones, and stands in for the rest. */
export type GlobalResolver = (module: string, name: string) => PickleValue;

/**
 * Allowed globals come first from `allowed` (format-specific, qualified names), then from the
 * plain-Python table below; every other global becomes an inert PyClass placeholder.
 */
export function restrictedResolver(format: string, allowed: ReadonlyMap<string, PickleValue>): GlobalResolver {
  return (pickledModule, name) => {
    const module = PYTHON2_MODULES.get(pickledModule) ?? pickledModule;
    const qualified = `${module}.${name}`;
    const danger = dangerReason(module, name);
    if (danger !== undefined) throw new FormatError(format, `refused pickle global ${qualified}: ${danger}`);
    return allowed.get(qualified) ?? PYTHON_GLOBALS.get(qualified) ?? new PyClass(module, name);
  };
}

/**
 * Python 2 module names that pickle maps to Python 3 ones under protocols 0-2 (Lib/_compat_pickle.py
 * IMPORT_MAPPING): the data modules used here and the dangerous ones, so refusals name what would run.
 */
const PYTHON2_MODULES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'], ['exceptions', 'builtins'], ['copy_reg', 'copyreg'], ['commands', 'subprocess'],
  ['cPickle', 'pickle'], ['urllib2', 'urllib.request'], ['httplib', 'http.client'], ['StringIO', 'io'], ['cStringIO', 'io'],
]);

/** collections.OrderedDict() as an insertion-ordered PyDict; items arrive by SETITEMS (OrderedDict.__reduce__). */
function orderedDict(args: readonly PickleValue[]): PickleValue {
  const dict = new PyDict('collections.OrderedDict');
  if (args.length === 0) return dict;
  return new PyObject(new PyClass('collections', 'OrderedDict'), args);
}

/** Protocol < 4 pickles sets as set([items]). */
function setOf(frozen: boolean) {
  return (args: readonly PickleValue[]): PickleValue => {
    const set = new PySet(frozen);
    const [items] = args;
    // A loop, not push(...items): spreading more than ~100k arguments overflows the stack.
    if (items instanceof PyList || items instanceof PyTuple) for (const item of items.items) set.items.push(item);
    return set;
  };
}

/** pickle.py save_bytes (protocol < 3): bytes travel as _codecs.encode(latin1_text, 'latin1'). */
function codecsEncode(args: readonly PickleValue[]): PickleValue {
  const [text, encoding] = args;
  if (typeof text === 'string' && (encoding === 'latin1' || encoding === 'latin-1')) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) return new PyObject(new PyClass('_codecs', 'encode'), args);
      bytes[i] = code;
    }
    return new PyBytes(bytes);
  }
  return new PyObject(new PyClass('_codecs', 'encode'), args);
}

/** pickle.py save_bytearray (protocol < 5): bytearray(bytes). */
function bytearrayOf(args: readonly PickleValue[]): PickleValue {
  const [bytes] = args;
  if (args.length === 0) return new PyBytes(new Uint8Array(0), true);
  if (bytes instanceof PyBytes) return new PyBytes(bytes.bytes, true);
  return new PyObject(new PyClass('builtins', 'bytearray'), args);
}

/** copyreg._reconstructor(cls, base, state): how protocols 0 and 1 pickle plain class instances. */
function reconstructor(args: readonly PickleValue[]): PickleValue {
  const [cls] = args;
  if (cls instanceof PyClass) return new PyObject(cls, []);
  if (cls instanceof PyCallable) return cls.call([]);
  throw new FormatError('pickle', `copyreg._reconstructor of a ${cls === undefined ? 'missing class' : describe(cls)}`);
}

const PYTHON_GLOBALS: ReadonlyMap<string, PickleValue> = new Map<string, PickleValue>([
  ['collections.OrderedDict', new PyCallable('collections.OrderedDict', orderedDict)],
  ['builtins.set', new PyCallable('builtins.set', setOf(false))],
  ['builtins.frozenset', new PyCallable('builtins.frozenset', setOf(true))],
  ['builtins.bytearray', new PyCallable('builtins.bytearray', bytearrayOf)],
  ['_codecs.encode', new PyCallable('_codecs.encode', codecsEncode)],
  ['copyreg._reconstructor', new PyCallable('copyreg._reconstructor', reconstructor)],
]);
