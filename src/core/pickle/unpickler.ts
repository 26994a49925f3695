import { FormatError } from '../errors';
import { UTF8_STRICT } from '../io/cursor';
import { DictKeys } from './keys';
import { HIGHEST_PROTOCOL, OP as OPCODES } from './opcodes';
import { PickleInput } from './pickleInput';
import { decodeQuotedBytes, decodeRawUnicodeEscape, parseDecimal, parseFloat64 } from './text';
import {
  describe, PyBytes, PyCallable, PyClass, PyDict, PyList, PyNative, PyObject, PySet, PyTuple, type PickleValue,
} from './values';

/** A module-local binding: run from sources (tsx: tests, the fuzzer) each `OP.X` of the opcode switch was a call of the import's getter, 40 % of the unpickler's time. */
const OP = OPCODES;

/** Whole pickles are read into memory: real data.pkl files are KBs to a few MBs. */
export const MAX_PICKLE_BYTES = 256 * 1024 * 1024;
/** Values on the stack, marked frames included; bounds memory for flat runs of pushes. */
export const MAX_STACK_ITEMS = 1_000_000;
/** Nested MARKs; Python's recursion limit keeps real pickles far shallower. */
export const MAX_MARK_DEPTH = 1000;
export const MAX_MEMO_ENTRIES = 1_000_000;
/** Items in one list, dict or set (~32 MB of references); no container in a weight file comes close. */
export const MAX_CONTAINER_LENGTH = 1 << 22;
/** Bytes of one LONG1/LONG4 integer: 8192 bits is far beyond any int in a weight file. */
export const MAX_LONG_BYTES = 1024;

export interface UnpickleOptions {
  readonly format: string;
  /** Absolute file offset of bytes[0], for error messages. */
  readonly baseOffset?: number;
  /** Maps a global to an inert value; refuses (throws FormatError) what must never load. */
  resolveGlobal(module: string, name: string): PickleValue;
  /** Maps a persistent id (torch storages) to a value; without it, persistent ids are refused. */
  persistentLoad?(pid: PickleValue): PickleValue;
}

export interface UnpickleResult {
  readonly value: PickleValue;
  /** Index in `bytes` just after the STOP opcode. */
  readonly end: number;
}

/** Runs one pickle from `start` to its STOP. Nothing is imported or called: globals go through `resolveGlobal`. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions, start = 0): UnpickleResult {
  const machine = new Unpickler(new PickleInput(bytes, options.format, options.baseOffset ?? 0, start), options);
  const value = machine.run();
  return { value, end: machine.input.pos };
}

class Unpickler {
  private stack: PickleValue[] = [];
  private readonly metastack: PickleValue[][] = [];
  /** Items held in the frames saved on the metastack. */
  private framedItems = 0;
  /** Indexed by memo slot; pickles number their slots densely from 0. */
  private readonly memo: (PickleValue | undefined)[] = [];
  /** Hashes each key object once, however often the memo reuses it. */
  private readonly keys = new DictKeys();
  private memoEntries = 0;
  private opcodeAt = 0;

  constructor(
    readonly input: PickleInput,
    private readonly options: UnpickleOptions,
  ) {}

  run(): PickleValue {
    for (;;) {
      this.opcodeAt = this.input.fileOffset;
      const op = this.input.u8('opcode');
      if (op === OP.STOP) return this.pop();
      this.step(op);
    }
  }

  private fail(message: string): never {
    throw new FormatError(this.options.format, message, this.opcodeAt);
  }

  private push(value: PickleValue): void {
    if (this.stack.length + this.framedItems >= MAX_STACK_ITEMS) this.fail(`pickle stack exceeds ${MAX_STACK_ITEMS} items`);
    this.stack.push(value);
  }

  private pop(): PickleValue {
    if (this.stack.length === 0) this.fail('pickle stack underflow');
    return this.stack.pop()!;
  }

  private top(): PickleValue {
    if (this.stack.length === 0) this.fail('pickle stack underflow');
    return this.stack[this.stack.length - 1]!;
  }

  private mark(): void {
    if (this.metastack.length >= MAX_MARK_DEPTH) this.fail(`pickle nests deeper than ${MAX_MARK_DEPTH} marks`);
    this.metastack.push(this.stack);
    this.framedItems += this.stack.length;
    this.stack = [];
  }

  /** pickle.py pop_mark: the items pushed since the last MARK. */
  private popMark(): PickleValue[] {
    const items = this.stack;
    const previous = this.metastack.pop();
    if (!previous) this.fail('pickle uses a mark that was never set');
    this.framedItems -= previous.length;
    this.stack = previous;
    return items;
  }

  private put(index: number, value: PickleValue): void {
    if (this.memo[index] === undefined) {
      if (this.memoEntries >= MAX_MEMO_ENTRIES) this.fail(`pickle memo exceeds ${MAX_MEMO_ENTRIES} entries`);
      this.memoEntries++;
    }
    this.memo[index] = value;
  }

  private get(index: number): PickleValue {
    const value = this.memo[index];
    if (value === undefined) this.fail(`pickle memo has no entry ${index}`);
    return value;
  }

  private step(op: number): void {
    const input = this.input;
    switch (op) {
      case OP.PROTO: {
        const protocol = input.u8('protocol');
        if (protocol > HIGHEST_PROTOCOL) this.fail(`unsupported pickle protocol ${protocol}`);
        return;
      }
      case OP.FRAME: input.u64('frame length'); return;
      case OP.MARK: this.mark(); return;
      case OP.POP: if (this.stack.length > 0) this.pop(); else this.popMark(); return;
      case OP.POP_MARK: this.popMark(); return;
      case OP.DUP: this.push(this.top()); return;
      case OP.NONE: this.push(null); return;
      case OP.NEWTRUE: this.push(true); return;
      case OP.NEWFALSE: this.push(false); return;
      case OP.INT: this.push(this.textInt()); return;
      case OP.LONG: this.push(this.textLong()); return;
      case OP.BININT: this.push(BigInt(input.i32('BININT'))); return;
      case OP.BININT1: this.push(BigInt(input.u8('BININT1'))); return;
      case OP.BININT2: this.push(BigInt(input.u16('BININT2'))); return;
      case OP.LONG1: this.push(this.binaryLong(input.u8('LONG1 length'))); return;
      case OP.LONG4: this.push(this.binaryLong(input.i32('LONG4 length'))); return;
      case OP.FLOAT: this.push(this.textFloat()); return;
      case OP.BINFLOAT: this.push(input.f64BigEndian('BINFLOAT')); return;
      case OP.STRING: this.push(this.textString()); return;
      case OP.BINSTRING: this.push(input.utf8(this.length(input.i32('BINSTRING length')), 'BINSTRING')); return;
      case OP.SHORT_BINSTRING: this.push(input.utf8(input.u8('SHORT_BINSTRING length'), 'SHORT_BINSTRING')); return;
      case OP.UNICODE: this.push(this.textUnicode()); return;
      case OP.BINUNICODE: this.push(input.utf8(input.u32('BINUNICODE length'), 'BINUNICODE')); return;
      case OP.SHORT_BINUNICODE: this.push(input.utf8(input.u8('SHORT_BINUNICODE length'), 'SHORT_BINUNICODE')); return;
      case OP.BINUNICODE8: this.push(input.utf8(input.u64('BINUNICODE8 length'), 'BINUNICODE8')); return;
      case OP.BINBYTES: this.push(new PyBytes(input.take(input.u32('BINBYTES length'), 'BINBYTES'))); return;
      case OP.SHORT_BINBYTES: this.push(new PyBytes(input.take(input.u8('SHORT_BINBYTES length'), 'SHORT_BINBYTES'))); return;
      case OP.BINBYTES8: this.push(new PyBytes(input.take(input.u64('BINBYTES8 length'), 'BINBYTES8'))); return;
      case OP.BYTEARRAY8: this.push(new PyBytes(input.take(input.u64('BYTEARRAY8 length'), 'BYTEARRAY8'), true)); return;
      case OP.NEXT_BUFFER: this.fail('pickle uses out-of-band buffers (NEXT_BUFFER), which are not supported');
      // pickle.py: READONLY_BUFFER only marks the top buffer read-only; values here are never mutated.
      case OP.READONLY_BUFFER: this.top(); return;
      case OP.EMPTY_TUPLE: this.push(new PyTuple([])); return;
      case OP.TUPLE1: this.push(new PyTuple([this.pop()])); return;
      case OP.TUPLE2: { const b = this.pop(); const a = this.pop(); this.push(new PyTuple([a, b])); return; }
      case OP.TUPLE3: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.push(new PyTuple([a, b, c])); return; }
      case OP.TUPLE: this.push(new PyTuple(this.popMark())); return;
      case OP.EMPTY_LIST: this.push(new PyList()); return;
      case OP.LIST: { const list = new PyList(); this.extend(list.items, this.popMark()); this.push(list); return; }
      case OP.APPEND: { const item = this.pop(); this.appendTo(this.top(), [item]); return; }
      case OP.APPENDS: { const items = this.popMark(); this.appendTo(this.top(), items); return; }
      case OP.EMPTY_DICT: this.push(new PyDict()); return;
      case OP.DICT: { const dict = new PyDict(); this.setItems(dict, this.popMark()); this.push(dict); return; }
      case OP.SETITEM: { const value = this.pop(); const key = this.pop(); this.setItemsOn(this.top(), [key, value]); return; }
      case OP.SETITEMS: { const items = this.popMark(); this.setItemsOn(this.top(), items); return; }
      case OP.EMPTY_SET: this.push(new PySet(false)); return;
      case OP.ADDITEMS: { const items = this.popMark(); this.addToSet(this.top(), items); return; }
      case OP.FROZENSET: { const set = new PySet(true); this.extend(set.items, this.popMark()); this.push(set); return; }
      case OP.GET: this.push(this.get(this.index(this.textDecimal('GET')))); return;
      case OP.BINGET: this.push(this.get(input.u8('BINGET'))); return;
      case OP.LONG_BINGET: this.push(this.get(input.u32('LONG_BINGET'))); return;
      case OP.PUT: this.put(this.index(this.textDecimal('PUT')), this.top()); return;
      case OP.BINPUT: this.put(input.u8('BINPUT'), this.top()); return;
      case OP.LONG_BINPUT: this.put(input.u32('LONG_BINPUT'), this.top()); return;
      case OP.MEMOIZE: this.put(this.memoEntries, this.top()); return;
      case OP.GLOBAL: { const module = input.line('GLOBAL module'); const name = input.line('GLOBAL name'); this.push(this.resolve(module, name)); return; }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        this.push(this.resolve(module, name));
        return;
      }
      case OP.REDUCE: { const args = this.pop(); const callee = this.pop(); this.push(this.call(callee, this.tupleItems(args, 'REDUCE'))); return; }
      case OP.NEWOBJ: { const args = this.pop(); const cls = this.pop(); this.push(this.call(cls, this.tupleItems(args, 'NEWOBJ'))); return; }
      case OP.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        this.push(this.call(cls, this.tupleItems(args, 'NEWOBJ_EX'), kwargs));
        return;
      }
      case OP.INST: {
        const module = input.line('INST module');
        const name = input.line('INST name');
        const args = this.popMark();
        this.push(this.call(this.resolve(module, name), args));
        return;
      }
      case OP.OBJ: {
        const [cls, ...args] = this.popMark();
        if (cls === undefined) this.fail('OBJ without a class');
        this.push(this.call(cls, args));
        return;
      }
      case OP.BUILD: { const state = this.pop(); this.build(this.top(), state); return; }
      case OP.PERSID: this.push(this.persistent(input.line('PERSID'))); return;
      case OP.BINPERSID: this.push(this.persistent(this.pop())); return;
      case OP.EXT1: case OP.EXT2: case OP.EXT4:
        this.fail('pickle uses the copyreg extension registry (EXT opcodes), which is not supported');
      default:
        this.fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }

  /** Errors of the format's globals and persistent loads, placed at the opcode that caused them. */
  private atOpcode<T>(work: () => T): T {
    try {
      return work();
    } catch (e) {
      if (e instanceof FormatError && e.offset === undefined) throw new FormatError(this.options.format, e.message, this.opcodeAt);
      throw e;
    }
  }

  private resolve(module: string, name: string): PickleValue {
    return this.atOpcode(() => this.options.resolveGlobal(module, name));
  }

  /** REDUCE / NEWOBJ / INST / OBJ: allowed globals build plain data; placeholders only record the call. */
  private call(callee: PickleValue, args: readonly PickleValue[], kwargs: PickleValue = null): PickleValue {
    if (callee instanceof PyCallable) return this.atOpcode(() => callee.call(args));
    if (callee instanceof PyClass) return new PyObject(callee, args, kwargs);
    this.fail(`pickle calls a ${describe(callee)}, which is not callable`);
  }

  private persistent(pid: PickleValue): PickleValue {
    const load = this.options.persistentLoad;
    if (!load) this.fail('pickle has a persistent id but this format defines none');
    return this.atOpcode(() => load(pid));
  }

  private build(target: PickleValue, state: PickleValue): void {
    if (target instanceof PyObject) target.state = state;
    else if (target instanceof PyDict || target instanceof PyList) target.state = state;
    else if (target instanceof PyNative) target.setState(state);
    else this.fail(`pickle sets the state of a ${describe(target)}`);
  }

  private appendTo(target: PickleValue, items: readonly PickleValue[]): void {
    if (target instanceof PyList) this.extend(target.items, items);
    else if (target instanceof PyObject) this.extend(target.listItems, items);
    else this.fail(`pickle appends to a ${describe(target)}`);
  }

  private extend(into: PickleValue[], items: readonly PickleValue[]): void {
    if (into.length + items.length > MAX_CONTAINER_LENGTH) this.fail(`pickle container exceeds ${MAX_CONTAINER_LENGTH} items`);
    for (let i = 0; i < items.length; i++) into.push(items[i]!);
  }

  private addToSet(target: PickleValue, items: readonly PickleValue[]): void {
    // pickle.py load_additems calls .add, which a frozenset lacks; dict keys rely on frozensets never changing.
    if (!(target instanceof PySet) || target.frozen) this.fail(`pickle adds set items to a ${describe(target)}`);
    this.extend(target.items, items);
  }

  private setItemsOn(target: PickleValue, flat: readonly PickleValue[]): void {
    if (target instanceof PyDict) this.setItems(target, flat);
    else if (target instanceof PyObject) this.setItems(target.dictItems, flat);
    else this.fail(`pickle sets items on a ${describe(target)}`);
  }

  private setItems(dict: PyDict, flat: readonly PickleValue[]): void {
    if (flat.length % 2 !== 0) this.fail('pickle dict items come in an odd number');
    for (let i = 0; i < flat.length; i += 2) {
      const key = flat[i]!;
      const hashed = this.keys.keyOf(key);
      if (typeof hashed !== 'string') this.fail(`pickle uses an unhashable dict key (${hashed.unhashable})`);
      if (!dict.entries.has(hashed) && dict.entries.size >= MAX_CONTAINER_LENGTH) this.fail(`pickle container exceeds ${MAX_CONTAINER_LENGTH} items`);
      const existing = dict.entries.get(hashed);
      // Python keeps the first key object and the last value.
      if (existing) existing.value = flat[i + 1]!;
      else dict.entries.set(hashed, { key, value: flat[i + 1]! });
    }
  }

  private tupleItems(value: PickleValue, opcode: string): readonly PickleValue[] {
    if (!(value instanceof PyTuple)) this.fail(`${opcode} arguments are a ${describe(value)}, not a tuple`);
    return value.items;
  }

  private length(n: number): number {
    if (n < 0) this.fail(`negative length ${n}`);
    return n;
  }

  private index(value: bigint): number {
    if (value < 0n || value > 0xffffffffn) this.fail(`memo index ${value} out of range`);
    return Number(value);
  }

  private textDecimal(what: string): bigint {
    const text = this.input.line(what);
    const value = parseDecimal(text);
    if (value === undefined) this.fail(`${what} argument '${text.slice(0, 40)}' is not an integer`);
    return value;
  }

  /** pickle.py load_int: "01"/"00" are True/False (protocol 0 booleans). */
  private textInt(): boolean | bigint {
    const text = this.input.line('INT');
    if (text === '01') return true;
    if (text === '00') return false;
    const value = parseDecimal(text);
    if (value === undefined) this.fail(`INT argument '${text.slice(0, 40)}' is not an integer`);
    return value;
  }

  private textLong(): bigint {
    const text = this.input.line('LONG');
    const value = parseDecimal(text.endsWith('L') ? text.slice(0, -1) : text);
    if (value === undefined) this.fail(`LONG argument '${text.slice(0, 40)}' is not an integer`);
    return value;
  }

  private textFloat(): number {
    const text = this.input.line('FLOAT');
    const value = parseFloat64(text);
    if (value === undefined) this.fail(`FLOAT argument '${text.slice(0, 40)}' is not a number`);
    return value;
  }

  /** pickle.py load_string, decoded as UTF-8 as torch.load does. */
  private textString(): string {
    const bytes = decodeQuotedBytes(this.input.line('STRING'));
    if (!bytes) this.fail('STRING argument is not a quoted string');
    try {
      return UTF8_STRICT.decode(bytes);
    } catch {
      this.fail('STRING argument is not valid UTF-8');
    }
  }

  private textUnicode(): string {
    const text = decodeRawUnicodeEscape(this.input.lineBytes('UNICODE'));
    if (text === undefined) this.fail('UNICODE argument has a bad escape');
    return text;
  }

  /** pickle.py decode_long: little-endian two's complement. */
  private binaryLong(n: number): bigint {
    if (n < 0) this.fail(`negative LONG length ${n}`);
    if (n > MAX_LONG_BYTES) this.fail(`integer of ${n} bytes exceeds the limit of ${MAX_LONG_BYTES}`);
    const bytes = this.input.take(n, 'LONG');
    if (n === 0) return 0n;
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
    if (bytes[n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
    return value;
  }
}
