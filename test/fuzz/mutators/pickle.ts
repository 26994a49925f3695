import { OP } from '../../../src/core/pickle/opcodes';
import { concatBytes } from '../fileSet';
import { INTERESTING_INTS, INTERESTING_STRINGS, pickCount } from './interesting';
import { pick, type MutationParams } from './mutator';
import { COUNTED, getBytes, KNOWN_CODES, le, opEnd, Program, scanPickle, type Pickle } from './pickleOps';

/** Memo slots of inserted programs: far above the slots real pickles use, so both coexist. */
const MEMO_BASE = 1_000_000;
/** Amplifying programs stay below this many bytes. */
const MAX_PROGRAM_BYTES = 1 << 20;

/** Opcode sequences inserted whole: single opcodes, edge arguments, globals allowed and refused, a storage id. */
const SNIPPETS: readonly Uint8Array[] = [
  ...[OP.MARK, OP.STOP, OP.POP, OP.POP_MARK, OP.DUP, OP.NONE, OP.NEWTRUE, OP.EMPTY_TUPLE, OP.EMPTY_LIST, OP.EMPTY_DICT,
    OP.EMPTY_SET, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3, OP.TUPLE, OP.LIST, OP.DICT, OP.APPEND, OP.APPENDS, OP.SETITEM,
    OP.SETITEMS, OP.ADDITEMS, OP.FROZENSET, OP.REDUCE, OP.BUILD, OP.NEWOBJ, OP.NEWOBJ_EX, OP.OBJ, OP.STACK_GLOBAL,
    OP.MEMOIZE, OP.BINPERSID, OP.READONLY_BUFFER, OP.NEXT_BUFFER].map((code) => Uint8Array.of(code)),
  Uint8Array.of(OP.BININT1, 7), Uint8Array.of(OP.BINGET, 0), Uint8Array.of(OP.BINPUT, 0),
  new Program().get(0xffffffff).done(), new Program().put(0xffffffff).done(),
  Uint8Array.of(OP.BINUNICODE8, ...le(1n << 53n, 8)), Uint8Array.of(OP.LONG4, ...le(0x7fffffff, 4)), Uint8Array.of(OP.LONG1, 0),
  Uint8Array.of(OP.FRAME, ...le(-1, 8)), Uint8Array.of(OP.PROTO, 6), Uint8Array.of(OP.EXT1, 1),
  ...['storage', 'cpu', '0'].map((t) => new Program().unicode(t).done()),
  ...[['collections', 'OrderedDict'], ['builtins', 'set'], ['builtins', 'frozenset'], ['builtins', 'bytearray'], ['_codecs', 'encode'],
    ['copyreg', '_reconstructor'], ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'],
    ['torch._utils', '_rebuild_qtensor'], ['torch._tensor', '_rebuild_from_type_v2'], ['torch', 'FloatStorage'], ['torch', 'Size'],
    ['torch', 'NewStorage'], ['os', 'system'], ['builtins', 'eval'], ['__builtin__', 'getattr'], ['__main__', 'Thing']].map(([m, n]) => new Program().global(m!, n!).done()),
  new TextEncoder().encode('icollections\nOrderedDict\n'),
  ...['01', '123L', 'nan', "'a'", '99999999999999999999'].map((t) => new TextEncoder().encode(`I${t}\n`)),
  new TextEncoder().encode('g99999999999\n'),
  // A storage persistent id: ('storage', torch.FloatStorage, '0', 'cpu', numel).
  new Program().op(OP.MARK).unicode('storage').global('torch', 'FloatStorage').unicode('0').unicode('cpu')
    .op(OP.BININT, ...le(0x7fffffff, 4)).op(OP.TUPLE).op(OP.BINPERSID).done(),
];

/** Programs that cost the reader far more than their size; stack-neutral, so the pickle's own value survives. */
function amplifier(p: MutationParams): Uint8Array {
  const n = pickCount(p.b);
  const w = new Program();
  switch (p.a % 6) {
    case 0: {
      // Billion laughs: t_i = (t_{i-1}, t_{i-1}) used as a dict key; hashing it walked 2^k leaves.
      const k = pick([8, 20, 28, 40], p.b);
      w.op(OP.EMPTY_TUPLE).put(MEMO_BASE);
      for (let i = 1; i <= k; i++) w.get(MEMO_BASE + i - 1).get(MEMO_BASE + i - 1).op(OP.TUPLE2).put(MEMO_BASE + i);
      return w.op(OP.POP).op(OP.EMPTY_DICT).get(MEMO_BASE + k).op(OP.NONE).op(OP.SETITEM).op(OP.POP).done();
    }
    case 1:
      // One long tuple used as a key again and again.
      w.op(OP.MARK).repeat([OP.NONE], n, MAX_PROGRAM_BYTES / 2).op(OP.TUPLE).put(MEMO_BASE).op(OP.POP).op(OP.EMPTY_DICT);
      return w.repeat([...getBytes(MEMO_BASE), OP.NONE, OP.SETITEM], pickCount(p.d), MAX_PROGRAM_BYTES).op(OP.POP).done();
    case 2:
      // set([...n items...]) and frozenset: how protocols < 4 pickle sets.
      w.global('builtins', p.d % 2 === 0 ? 'set' : 'frozenset').op(OP.MARK).op(OP.EMPTY_LIST).op(OP.MARK);
      return w.repeat([OP.NONE], n, MAX_PROGRAM_BYTES).op(OP.APPENDS).op(OP.TUPLE).op(OP.REDUCE).op(OP.POP).done();
    case 3: {
      // Lists nested n deep.
      const depth = Math.min(n, MAX_PROGRAM_BYTES / 2);
      return w.repeat([OP.EMPTY_LIST], depth, MAX_PROGRAM_BYTES).repeat([OP.APPEND], depth - 1, MAX_PROGRAM_BYTES).op(OP.POP).done();
    }
    case 4:
      // A dict key nested in tuples.
      return w.op(OP.EMPTY_DICT).op(OP.NONE).repeat([OP.TUPLE1], pick([31, 33, 1000], p.b), MAX_PROGRAM_BYTES).op(OP.NONE).op(OP.SETITEM).op(OP.POP).done();
    default: {
      // Marks nested past the limit.
      const depth = Math.min(n, MAX_PROGRAM_BYTES / 2);
      return w.repeat([OP.MARK], depth, MAX_PROGRAM_BYTES).repeat([OP.POP_MARK], depth, MAX_PROGRAM_BYTES).done();
    }
  }
}

/** Bytes of opcodes [from, to) of the pickle. */
function opsBytes(pk: Pickle, from: number, to: number): Uint8Array {
  return pk.bytes.subarray(pk.starts[from] ?? pk.bytes.length, to < pk.starts.length ? pk.starts[to]! : pk.bytes.length);
}

/** The pickle with opcodes [from, to) replaced by `middle`. */
function splice(pk: Pickle, from: number, to: number, ...middle: Uint8Array[]): Uint8Array {
  return concatBytes([opsBytes(pk, 0, from), ...middle, opsBytes(pk, to, pk.starts.length)]);
}

/** A fixed-width argument set to an interesting value, or a counted one given a lying length (or new text). */
function setArgument(pk: Pickle, i: number, p: MutationParams): Uint8Array | undefined {
  const at = pk.starts[i]!;
  const code = pk.bytes[at]!;
  const arg = pk.bytes.subarray(at + 1, opEnd(pk, i));
  const counted = COUNTED.get(code);
  if (counted !== undefined) {
    if (p.d % 2 === 0) return Uint8Array.of(code, ...le(pick(INTERESTING_INTS, p.b), counted), ...arg.subarray(counted));
    const text = new TextEncoder().encode(pick(INTERESTING_STRINGS, p.b));
    return concatBytes([Uint8Array.of(code, ...le(text.length, counted)), text]);
  }
  if (arg.length === 0 || arg.length > 8 || arg.includes(0x0a)) return undefined;
  return Uint8Array.of(code, ...le(pick(INTERESTING_INTS, p.b), arg.length));
}

/** The pickle's value held n times by a placeholder object's state, or nested n lists deep: names repeat or grow. */
function shareRoot(pk: Pickle, p: MutationParams): Uint8Array | undefined {
  const last = pk.starts.length - 1;
  if (last < 0 || pk.bytes[pk.starts[last]!] !== OP.STOP) return undefined;
  const n = pickCount(p.b);
  const w = new Program().put(MEMO_BASE).op(OP.POP);
  if (p.d % 2 === 0) {
    w.global('__main__', 'Thing').op(OP.EMPTY_TUPLE).op(OP.NEWOBJ).op(OP.MARK).repeat(getBytes(MEMO_BASE), n, MAX_PROGRAM_BYTES).op(OP.TUPLE).op(OP.BUILD);
  } else {
    const depth = Math.min(n, MAX_PROGRAM_BYTES / 3);
    w.repeat([OP.EMPTY_LIST], depth, MAX_PROGRAM_BYTES).get(MEMO_BASE).repeat([OP.APPEND], depth, MAX_PROGRAM_BYTES);
  }
  return splice(pk, last, last, w.done());
}

type PickleEdit = (pk: Pickle, p: MutationParams) => Uint8Array | undefined;

const n = (pk: Pickle) => pk.starts.length;

const EDITS: readonly { name: string; edit: PickleEdit }[] = [
  { name: 'insert', edit: (pk, p) => { const at = p.a % n(pk); return splice(pk, at, at, pick(SNIPPETS, p.b)); } },
  { name: 'delete', edit: (pk, p) => { if (n(pk) < 2) return undefined; const at = p.a % (n(pk) - 1); return splice(pk, at, Math.min(n(pk) - 1, at + 1 + (p.b % 4))); } },
  {
    name: 'duplicate',
    edit(pk, p) {
      const at = p.a % n(pk);
      const to = Math.min(n(pk), at + 1 + (p.b % 8));
      const run = opsBytes(pk, at, to);
      const copies = new Program().repeat(run, 1 + pickCount(p.d), MAX_PROGRAM_BYTES).done();
      return splice(pk, to, to, copies);
    },
  },
  {
    name: 'argument',
    edit(pk, p) {
      const withArgs = pk.starts.map((_, i) => i).filter((i) => opEnd(pk, i) - pk.starts[i]! > 1);
      if (withArgs.length === 0) return undefined;
      const i = pick(withArgs, p.a);
      const changed = setArgument(pk, i, p);
      return changed && splice(pk, i, i + 1, changed);
    },
  },
  {
    name: 'opcode',
    edit(pk, p) {
      const bare = pk.starts.map((_, i) => i).filter((i) => opEnd(pk, i) - pk.starts[i]! === 1);
      if (bare.length === 0) return undefined;
      const i = pick(bare, p.a);
      return splice(pk, i, i + 1, Uint8Array.of(pick(KNOWN_CODES, p.b)));
    },
  },
  {
    name: 'swap',
    edit(pk, p) {
      const [i, j] = [p.a % n(pk), p.b % n(pk)].sort((x, y) => x - y) as [number, number];
      if (i === j) return undefined;
      return concatBytes([opsBytes(pk, 0, i), opsBytes(pk, j, j + 1), opsBytes(pk, i + 1, j), opsBytes(pk, i, i + 1), opsBytes(pk, j + 1, n(pk))]);
    },
  },
  { name: 'amplify', edit: (pk, p) => { const at = p.c % n(pk); return splice(pk, at, at, amplifier(p)); } },
  { name: 'share-root', edit: shareRoot },
];

/**
 * A stream bigger than this is left to the byte mutators: only an amplifier makes one, and
 * scanning its hundreds of thousands of opcodes again for each stacked edit cost more main-thread
 * time than running it (pytorch-legacy's profile: 8 % of inputs, past 64 KB, took 85 % of the CPU).
 */
const MAX_EDITED_STREAM_BYTES = 64 * 1024;

/** Edits of a pickle stream (one pickle in data.pkl, five in a legacy file, then storages): each edits one of its pickles. */
export const PICKLE_EDITS: readonly { name: string; edit(bytes: Uint8Array, p: MutationParams): Uint8Array | undefined }[] = EDITS.map(({ name, edit }) => ({
  name: `pickle-${name}`,
  edit(bytes: Uint8Array, p: MutationParams) {
    if (bytes.length > MAX_EDITED_STREAM_BYTES) return undefined;
    const pickles: { pickle: Pickle; start: number; end: number }[] = [];
    for (let at = 0; ; ) {
      const scanned = scanPickle(bytes, at);
      if (!scanned) break;
      pickles.push({ pickle: scanned.pickle, start: at, end: scanned.end });
      at = scanned.end;
    }
    if (pickles.length === 0) return undefined;
    const biggest = pickles.reduce((best, x, i) => (x.pickle.starts.length > pickles[best]!.pickle.starts.length ? i : best), 0);
    const chosen = pickles[p.c % 2 === 0 ? biggest : p.c % pickles.length]!;
    const out = edit(chosen.pickle, p);
    return out && concatBytes([bytes.subarray(0, chosen.start), out, bytes.subarray(chosen.end)]);
  },
}));
