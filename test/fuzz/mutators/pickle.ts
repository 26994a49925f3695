import { OP } from '../../../src/core/pickle/opcodes';
import { concatBytes } from '../fileSet';
import { INTERESTING_COUNTS, INTERESTING_INTS, INTERESTING_STRINGS } from './interesting';
import { pick, type MutationParams } from './mutator';
import { COUNTED, get, global, KNOWN_CODES, le, op, parsePickle, put, unicode, writeOps, type PickleOp } from './pickleOps';

/** A byte stream of pickles (one for data.pkl, five in a legacy torch file) and whatever follows them. */
interface PickleStream {
  pickles: PickleOp[][];
  rest: Uint8Array;
}

/** Memo slots of inserted programs: far above the slots real pickles use, so both coexist. */
const MEMO_BASE = 1_000_000;
/** Amplifying programs stay below this many bytes. */
const MAX_PROGRAM_BYTES = 1 << 20;

function parseStream(bytes: Uint8Array): PickleStream | undefined {
  const pickles: PickleOp[][] = [];
  let at = 0;
  for (;;) {
    const parsed = parsePickle(bytes, at);
    if (!parsed) break;
    pickles.push(parsed.ops);
    at = parsed.end;
  }
  return pickles.length === 0 ? undefined : { pickles, rest: bytes.subarray(at) };
}

function writeStream(s: PickleStream): Uint8Array {
  return concatBytes([...s.pickles.map(writeOps), s.rest]);
}

const SNIPPETS: readonly (readonly PickleOp[])[] = [
  ...[OP.MARK, OP.STOP, OP.POP, OP.POP_MARK, OP.DUP, OP.NONE, OP.NEWTRUE, OP.EMPTY_TUPLE, OP.EMPTY_LIST, OP.EMPTY_DICT,
    OP.EMPTY_SET, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3, OP.TUPLE, OP.LIST, OP.DICT, OP.APPEND, OP.APPENDS, OP.SETITEM,
    OP.SETITEMS, OP.ADDITEMS, OP.FROZENSET, OP.REDUCE, OP.BUILD, OP.NEWOBJ, OP.NEWOBJ_EX, OP.OBJ, OP.STACK_GLOBAL,
    OP.MEMOIZE, OP.BINPERSID, OP.READONLY_BUFFER, OP.NEXT_BUFFER].map((code) => [op(code)]),
  [op(OP.BININT1, 7)], [op(OP.BINGET, 0)], [op(OP.BINPUT, 0)], [get(0xffffffff)], [put(0xffffffff)],
  [op(OP.BINUNICODE8, ...le(1n << 53n, 8))], [op(OP.LONG4, ...le(0x7fffffff, 4))], [op(OP.LONG1, 0)], [op(OP.FRAME, ...le(-1, 8))],
  [op(OP.PROTO, 6)], [op(OP.EXT1, 1)], [unicode('storage')], [unicode('cpu')], [unicode('0')],
  ...[['collections', 'OrderedDict'], ['builtins', 'set'], ['builtins', 'frozenset'], ['builtins', 'bytearray'], ['_codecs', 'encode'],
    ['copyreg', '_reconstructor'], ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'],
    ['torch._utils', '_rebuild_qtensor'], ['torch._tensor', '_rebuild_from_type_v2'], ['torch', 'FloatStorage'], ['torch', 'Size'],
    ['torch', 'NewStorage'], ['os', 'system'], ['builtins', 'eval'], ['__builtin__', 'getattr'], ['__main__', 'Thing']].map(([m, n]) => [global(m!, n!)]),
  [{ code: OP.INST, arg: new TextEncoder().encode('collections\nOrderedDict\n') }],
  ...['01', '123L', 'nan', "'a'", '99999999999999999999'].map((t) => [{ code: OP.INT, arg: new TextEncoder().encode(`${t}\n`) }]),
  [{ code: OP.GET, arg: new TextEncoder().encode('99999999999\n') }],
  // A storage persistent id: ('storage', torch.FloatStorage, '0', 'cpu', numel).
  [op(OP.MARK), unicode('storage'), global('torch', 'FloatStorage'), unicode('0'), unicode('cpu'), op(OP.BININT, ...le(0x7fffffff, 4)), op(OP.TUPLE), op(OP.BINPERSID)],
];

/** A fixed-width argument set to an interesting value, or a counted one given a lying length. */
function setArgument(o: PickleOp, p: MutationParams): PickleOp | undefined {
  const counted = COUNTED.get(o.code);
  if (counted !== undefined) {
    if (p.d % 2 === 0) return { code: o.code, arg: concatBytes([Uint8Array.from(le(pick(INTERESTING_INTS, p.b), counted)), o.arg.subarray(counted)]) };
    const text = new TextEncoder().encode(pick(INTERESTING_STRINGS, p.b));
    return { code: o.code, arg: concatBytes([Uint8Array.from(le(text.length, counted)), text]) };
  }
  if (o.arg.length === 0 || o.arg.length > 8 || o.arg.includes(0x0a)) return undefined;
  return { code: o.code, arg: Uint8Array.from(le(pick(INTERESTING_INTS, p.b), o.arg.length)) };
}

/** `n` copies of `ops`, capped so the program stays small. */
function repeat(ops: readonly PickleOp[], n: number): PickleOp[] {
  const size = ops.reduce((s, o) => s + 1 + o.arg.length, 0);
  const times = Math.min(n, Math.floor(MAX_PROGRAM_BYTES / Math.max(1, size)));
  const out: PickleOp[] = [];
  for (let i = 0; i < times; i++) out.push(...ops);
  return out;
}

/** Programs that cost the reader far more than their size, inserted so the pickle's own value survives. */
function amplifier(p: MutationParams): PickleOp[] {
  const n = pick(INTERESTING_COUNTS, p.b);
  switch (p.a % 6) {
    case 0: {
      // Billion laughs: t_i = (t_{i-1}, t_{i-1}) used as a dict key; hashing it walks 2^k leaves.
      const k = pick([8, 20, 28, 40], p.b);
      const chain: PickleOp[] = [op(OP.EMPTY_TUPLE), put(MEMO_BASE)];
      for (let i = 1; i <= k; i++) chain.push(get(MEMO_BASE + i - 1), get(MEMO_BASE + i - 1), op(OP.TUPLE2), put(MEMO_BASE + i));
      return [...chain, op(OP.POP), op(OP.EMPTY_DICT), get(MEMO_BASE + k), op(OP.NONE), op(OP.SETITEM), op(OP.POP)];
    }
    case 1: {
      // One long tuple used as a key again and again.
      const m = pick(INTERESTING_COUNTS, p.d);
      return [op(OP.MARK), ...repeat([op(OP.NONE)], n), op(OP.TUPLE), put(MEMO_BASE), op(OP.POP), op(OP.EMPTY_DICT),
        ...repeat([get(MEMO_BASE), op(OP.NONE), op(OP.SETITEM)], m), op(OP.POP)];
    }
    case 2:
      // set([...n items...]) and frozenset: how protocols < 4 pickle sets.
      return [global('builtins', p.d % 2 === 0 ? 'set' : 'frozenset'), op(OP.MARK), op(OP.EMPTY_LIST), op(OP.MARK),
        ...repeat([op(OP.NONE)], n), op(OP.APPENDS), op(OP.TUPLE), op(OP.REDUCE), op(OP.POP)];
    case 3:
      // Lists nested n deep.
      return [...repeat([op(OP.EMPTY_LIST)], n), ...repeat([op(OP.APPEND)], n - 1), op(OP.POP)];
    case 4:
      // A dict key nested in tuples.
      return [op(OP.EMPTY_DICT), op(OP.NONE), ...repeat([op(OP.TUPLE1)], pick([31, 33, 1000], p.b)), op(OP.NONE), op(OP.SETITEM), op(OP.POP)];
    default:
      // Marks nested past the limit.
      return [...repeat([op(OP.MARK)], n), ...repeat([op(OP.POP_MARK)], n)];
  }
}

/** The pickle's value held n times by a placeholder object's state, or nested n lists deep: names repeat or grow. */
function shareRoot(ops: PickleOp[], p: MutationParams): PickleOp[] | undefined {
  if (ops.length === 0 || ops[ops.length - 1]!.code !== OP.STOP) return undefined;
  const body = ops.slice(0, -1);
  const n = pick(INTERESTING_COUNTS, p.b);
  const suffix = p.d % 2 === 0
    ? [put(MEMO_BASE), op(OP.POP), global('__main__', 'Thing'), op(OP.EMPTY_TUPLE), op(OP.NEWOBJ), op(OP.MARK), ...repeat([get(MEMO_BASE)], n), op(OP.TUPLE), op(OP.BUILD)]
    : [put(MEMO_BASE), op(OP.POP), ...repeat([op(OP.EMPTY_LIST)], n), get(MEMO_BASE), ...repeat([op(OP.APPEND)], n)];
  return [...body, ...suffix, op(OP.STOP)];
}

type PickleEdit = (ops: PickleOp[], p: MutationParams) => PickleOp[] | undefined;

const EDITS: readonly { name: string; edit: PickleEdit }[] = [
  { name: 'insert', edit: (ops, p) => { const at = p.a % ops.length; return [...ops.slice(0, at), ...pick(SNIPPETS, p.b), ...ops.slice(at)]; } },
  { name: 'delete', edit: (ops, p) => { if (ops.length < 2) return undefined; const at = p.a % (ops.length - 1); return [...ops.slice(0, at), ...ops.slice(at + 1 + (p.b % 4))]; } },
  {
    name: 'duplicate',
    edit(ops, p) {
      const at = p.a % ops.length;
      const run = ops.slice(at, at + 1 + (p.b % 8));
      return [...ops.slice(0, at), ...repeat(run, 1 + pick(INTERESTING_COUNTS, p.d)), ...ops.slice(at + run.length)];
    },
  },
  {
    name: 'argument',
    edit(ops, p) {
      const withArgs = ops.map((o, i) => ({ o, i })).filter(({ o }) => o.arg.length > 0);
      if (withArgs.length === 0) return undefined;
      const { o, i } = pick(withArgs, p.a);
      const changed = setArgument(o, p);
      return changed && [...ops.slice(0, i), changed, ...ops.slice(i + 1)];
    },
  },
  {
    name: 'opcode',
    edit(ops, p) {
      const bare = ops.map((o, i) => ({ o, i })).filter(({ o }) => o.arg.length === 0);
      if (bare.length === 0) return undefined;
      const { i } = pick(bare, p.a);
      return [...ops.slice(0, i), op(pick(KNOWN_CODES, p.b)), ...ops.slice(i + 1)];
    },
  },
  {
    name: 'swap',
    edit(ops, p) {
      const out = ops.slice();
      const i = p.a % out.length;
      const j = p.b % out.length;
      [out[i], out[j]] = [out[j]!, out[i]!];
      return out;
    },
  },
  { name: 'amplify', edit: (ops, p) => { const at = p.c % ops.length; return [...ops.slice(0, at), ...amplifier(p), ...ops.slice(at)]; } },
  { name: 'share-root', edit: shareRoot },
];

/** Edits of a pickle stream; each picks one pickle of the stream (the biggest, or by p.c). */
export const PICKLE_EDITS: readonly { name: string; edit(bytes: Uint8Array, p: MutationParams): Uint8Array | undefined }[] = EDITS.map(({ name, edit }) => ({
  name: `pickle-${name}`,
  edit(bytes: Uint8Array, p: MutationParams) {
    const stream = parseStream(bytes);
    if (!stream) return undefined;
    const biggest = stream.pickles.reduce((best, ops, i) => (ops.length > stream.pickles[best]!.length ? i : best), 0);
    const which = p.c % 2 === 0 ? biggest : p.c % stream.pickles.length;
    const out = edit(stream.pickles[which]!, p);
    if (!out || out.length === 0) return undefined;
    stream.pickles[which] = out;
    return writeStream(stream);
  },
}));
