/**
 * Globals no weight file has a reason to name: they run commands, evaluate code, import
 * modules, open files or sockets, or unpickle nested payloads. Nothing is ever called either
 * way; a pickle naming one is refused as a whole so the user learns the file is hostile.
 */
const DANGEROUS_MODULES: readonly string[] = [
  'os', 'posix', 'nt', 'posixpath', 'ntpath', 'subprocess', 'sys', 'shutil', 'socket', 'ssl', 'select', 'signal',
  'importlib', 'imp', 'zipimport', 'pkgutil', 'runpy', 'site', 'code', 'codeop', 'compileall', 'py_compile',
  'pty', 'tty', 'pdb', 'bdb', 'timeit', 'trace', 'profile', 'cProfile',
  'pickle', '_pickle', 'cPickle', 'pickletools', 'marshal', 'shelve', 'dill', 'cloudpickle', 'joblib',
  'ctypes', '_ctypes', 'cffi', 'types', 'inspect', 'gc', 'weakref', 'operator', '_operator',
  'io', '_io', 'tempfile', 'glob', 'fileinput', 'linecache', 'mmap',
  'multiprocessing', 'threading', '_thread', 'concurrent', 'asyncio', 'sched',
  'webbrowser', 'urllib', 'urllib2', 'urllib3', 'http', 'httplib', 'ftplib', 'smtplib', 'telnetlib', 'requests', 'xmlrpc',
  'platform', 'commands', 'popen2', 'sqlite3', 'yaml', 'distutils', 'setuptools', 'pip', 'venv', 'ensurepip',
  'numpy.testing', 'numpy.f2py', 'numpy.distutils', 'torch.hub', 'torch.jit', 'torch.package',
];

/** Calls into these names load another file or pickle (torch.load inside torch.load). */
const DANGEROUS_NAMES: ReadonlySet<string> = new Set([
  'torch.load', 'torch.serialization.load', 'torch.serialization._load', 'torch.serialization._legacy_load',
  'torch.storage._load_from_bytes', 'numpy.load', 'numpy.lib.format.read_array',
]);

/** builtins are refused except the plain data types a pickle may legitimately name. */
const SAFE_BUILTINS: ReadonlySet<string> = new Set([
  'set', 'frozenset', 'bytearray', 'bytes', 'slice', 'complex', 'range', 'int', 'float', 'str', 'bool',
  'tuple', 'list', 'dict', 'object', 'Ellipsis', 'NotImplemented',
]);

/** Why a global must be refused, or undefined when it may become an inert value or placeholder. */
export function dangerReason(module: string, name: string): string | undefined {
  const qualified = `${module}.${name}`;
  if (module === 'builtins' || module === '__builtin__') {
    return SAFE_BUILTINS.has(name) ? undefined : 'builtins that evaluate code, import or reach outside the file are never allowed';
  }
  if (DANGEROUS_NAMES.has(qualified)) return 'it would load a nested pickle or another file';
  const hit = DANGEROUS_MODULES.find((m) => module === m || module.startsWith(`${m}.`));
  if (hit !== undefined) return `module ${hit} can run commands or reach outside the file`;
  // "Path.write_text" reaches a method by attribute lookup; nested classes ("Outer.Inner") are capitalised.
  if (name.includes('.') && !/^[A-Z]/.test(name.slice(name.lastIndexOf('.') + 1))) {
    return 'it reaches a method through an attribute chain';
  }
  return undefined;
}
