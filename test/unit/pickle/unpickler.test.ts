import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../src/core/errors';
import { restrictedResolver } from '../../../src/core/pickle/pythonGlobals';
import {
  MAX_CONTAINER_LENGTH, MAX_LONG_BYTES, MAX_MARK_DEPTH, MAX_MEMO_ENTRIES, MAX_STACK_ITEMS, unpickle, type UnpickleOptions,
} from '../../../src/core/pickle/unpickler';
import { PyDict, PyList, PyTuple, type PickleValue } from '../../../src/core/pickle/values';
import { MAX_KEY_DEPTH } from '../../../src/core/pickle/keys';
import { MAX_INT_DIGITS } from '../../../src/core/pickle/text';
import { plain } from './plain';

const options: UnpickleOptions = { format: 'pickle', resolveGlobal: restrictedResolver('pickle', new Map()) };
const load = (bytes: Uint8Array | string, extra: Partial<UnpickleOptions> = {}): PickleValue =>
  unpickle(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, { ...options, ...extra }).value;

function rejects(bytes: Uint8Array | string, pattern: RegExp, atOffset?: number): void {
  assert.throws(() => load(bytes), (e: unknown) => {
    assert.ok(e instanceof FormatError && pattern.test(e.message), String(e));
    if (atOffset !== undefined) assert.equal(e.offset, atOffset, 'failing opcode offset');
    return true;
  });
}

/** What scripts/fixtures/pytorch_numpy.py pickle_sample() holds, at every protocol. */
const SAMPLE = {
  int: 1n, neg: -5n, big: 2n ** 70n, negbig: -(2n ** 70n), float: 1.5, inf: Infinity,
  str: 'h\u00e9llo \\ \n end', bytes: { bytes: '00ff', mutable: false }, bytearray: { bytes: '6162', mutable: true },
  tuple: { tuple: [1n, 2n, 3n] }, list: [1n, [2n, 3n]], set: { set: [1n, 2n] }, frozenset: { frozenset: [3n] },
  none: null, true: true, false: false, od: { 'collections.OrderedDict': { a: 1n, b: 2n } },
  shared: [[1n, 2n], [1n, 2n]], thing: { object: '__main__.Thing', args: [], state: { a: 1n, tag: 'thing' } }, empty: '',
};

describe('restricted unpickler', () => {
  for (let protocol = 0; protocol <= 5; protocol++) {
    it(`reads what pickle.dumps writes at protocol ${protocol}`, () => {
      const value = load(readFileSync(`test/fixtures/pytorch/pickles/protocol${protocol}.pkl`));
      assert.deepEqual(plain(value), SAMPLE);
    });
  }

  it('keeps shared references shared (memo)', () => {
    const value = load(readFileSync('test/fixtures/pytorch/pickles/protocol2.pkl'));
    const shared = plainDictValue(value, 'shared');
    assert.ok(shared instanceof PyList && shared.items[0] === shared.items[1]);
  });

  it('reads protocol-0 text opcodes', () => {
    assert.deepEqual(plain(load('I01\n.')), true);
    assert.deepEqual(plain(load('I00\n.')), false);
    assert.deepEqual(plain(load('I-42\n.')), -42n);
    assert.deepEqual(plain(load('L123456789012345678901234567890L\n.')), 123456789012345678901234567890n);
    assert.deepEqual(plain(load('F-1.25e-3\n.')), -0.00125);
    assert.ok(Number.isNaN(load('Fnan\n.')));
    assert.deepEqual(plain(load("S'a\\'b\\\\c\\x41\\101\\n'\n.")), "a'b\\cAA\n");
    assert.deepEqual(plain(load('S"dq"\n.')), 'dq');
    assert.deepEqual(plain(load('V\\u00e9\\U0001F600x\n.')), '\u00e9\u{1F600}x');
    assert.deepEqual(plain(load('(I1\nI2\nl.')), [1n, 2n]);
    assert.deepEqual(plain(load("(S'k'\nI1\nd.")), { k: 1n });
    assert.deepEqual(plain(load('I7\np5\n0g5\n.')), 7n);
    assert.deepEqual(plain(load('(I1\nI2\nt.')), { tuple: [1n, 2n] });
    assert.deepEqual(plain(load('(I1\ni__main__\nThing\n.')), { object: '__main__.Thing', args: [1n], state: null });
  });

  it('reads binary opcodes of every width', () => {
    assert.deepEqual(plain(load(Uint8Array.of(0x4a, 0xff, 0xff, 0xff, 0xff, 0x2e))), -1n);
    assert.deepEqual(plain(load(Uint8Array.of(0x4d, 0x01, 0x02, 0x2e))), 0x0201n);
    assert.deepEqual(plain(load(Uint8Array.of(0x8a, 0x02, 0x00, 0x80, 0x2e))), -32768n);
    assert.deepEqual(plain(load(Uint8Array.of(0x8a, 0x00, 0x2e))), 0n);
    assert.deepEqual(plain(load(Uint8Array.of(0x8b, 0x01, 0, 0, 0, 0x7f, 0x2e))), 127n);
    assert.deepEqual(plain(load(Uint8Array.of(0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x2e))), 1.5);
    assert.deepEqual(plain(load(Uint8Array.of(0x54, 2, 0, 0, 0, 0x68, 0x69, 0x2e))), 'hi');
    assert.deepEqual(plain(load(Uint8Array.of(0x55, 1, 0x7a, 0x2e))), 'z');
    assert.deepEqual(plain(load(Uint8Array.of(0x42, 1, 0, 0, 0, 0x09, 0x2e))), { bytes: '09', mutable: false });
    assert.deepEqual(plain(load(Uint8Array.of(0x8e, 1, 0, 0, 0, 0, 0, 0, 0, 0x09, 0x2e))), { bytes: '09', mutable: false });
    assert.deepEqual(plain(load(Uint8Array.of(0x8d, 1, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x2e))), 'a');
    assert.deepEqual(plain(load(Uint8Array.of(0x4e, 0x32, 0x32, 0x87, 0x2e))), { tuple: [null, null, null] });
    assert.deepEqual(plain(load(Uint8Array.of(0x4e, 0x4b, 2, 0x86, 0x2e))), { tuple: [null, 2n] });
    assert.deepEqual(plain(load(Uint8Array.of(0x96, 2, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0x98, 0x2e))), { bytes: '0102', mutable: true });
    assert.deepEqual(plain(load(Uint8Array.of(0x28, 0x4b, 1, 0x4b, 1, 0x91, 0x2e))), { frozenset: [1n, 1n] });
  });

  it('passes persistent ids to the format, and refuses them without one', () => {
    const seen: PickleValue[] = [];
    const value = load('Pkey\n.', { persistentLoad: (pid) => { seen.push(pid); return 'loaded'; } });
    assert.equal(value, 'loaded');
    assert.deepEqual(seen, ['key']);
    rejects('Pkey\n.', /persistent id/);
  });

  it('records calls on placeholders instead of making them (REDUCE, NEWOBJ, NEWOBJ_EX, BUILD, SETITEMS, APPENDS)', () => {
    const reduce = load('cmymod\nMaker\n(I1\ntR(S\'x\'\nI2\ndb.');
    assert.deepEqual(plain(reduce), { object: 'mymod.Maker', args: [1n], state: { x: 2n } });
    const newobjEx = load(Uint8Array.of(0x80, 4, 0x8c, 1, 0x6d, 0x8c, 1, 0x43, 0x93, 0x4b, 3, 0x85, 0x7d, 0x92, 0x2e));
    assert.deepEqual(plain(newobjEx), { object: 'm.C', args: [3n], state: null });
    const filled = load(Uint8Array.of(0x80, 2, 0x63, ...Buffer.from('m\nD\n'), 0x29, 0x81, 0x28, 0x55, 1, 0x6b, 0x4b, 5, 0x75, 0x28, 0x4b, 6, 0x65, 0x2e));
    assert.deepEqual(plain(filled), { object: 'm.D', args: [], state: null, items: [6n], dictItems: { k: 5n } });
  });

  it('fails with FormatError, never another error, on every truncation of every fixture pickle', () => {
    for (let protocol = 0; protocol <= 5; protocol++) {
      const bytes = readFileSync(`test/fixtures/pytorch/pickles/protocol${protocol}.pkl`);
      for (let len = 0; len < bytes.length; len++) {
        assert.throws(() => load(bytes.subarray(0, len)), (e: unknown) => e instanceof FormatError, `protocol ${protocol} prefix ${len}`);
      }
    }
  });

  it('refuses malformed streams with a clear message', () => {
    rejects('0.', /mark that was never set/);
    rejects('.', /underflow/);
    rejects('\xff.', /unknown pickle opcode 0xff/);
    rejects('g9\n.', /memo has no entry 9/);
    rejects('t.', /mark that was never set/);
    rejects(']I1\nI2\ns.', /sets items on a list/);
    rejects('(]I1\nd.', /unhashable dict key \(list\)/);
    rejects('\x82\x01.', /extension registry/);
    rejects('\x97.', /out-of-band/);
    rejects('\x80\x06N.', /protocol 6/);
    rejects('I1\n)R.', /calls a int/);
    rejects('I1\nI1\nb.', /state of a int/);
    rejects('Ix\n.', /not an integer/);
    rejects('F1.2.3\n.', /not a number/);
    rejects('S"unterminated\n.', /not a quoted string/);
    rejects('V\\u12\n.', /bad escape/);
    rejects('\x8b\xff\xff\xff\xff.', /negative LONG length/);
  });

  it(`limits nested marks to MAX_MARK_DEPTH (${MAX_MARK_DEPTH})`, () => {
    rejects('('.repeat(MAX_MARK_DEPTH + 1), /deeper than 1000 marks/, MAX_MARK_DEPTH);
    assert.equal(tupleDepth(load('('.repeat(MAX_MARK_DEPTH) + 't'.repeat(MAX_MARK_DEPTH) + '.')), MAX_MARK_DEPTH);
  });

  it(`limits the stack to MAX_STACK_ITEMS (${MAX_STACK_ITEMS})`, () => {
    // The offset of the failing opcode shows exactly MAX_STACK_ITEMS values were accepted.
    rejects('N'.repeat(MAX_STACK_ITEMS + 1) + '.', /stack exceeds/, MAX_STACK_ITEMS);
    rejects('N'.repeat(MAX_STACK_ITEMS / 2) + '(' + 'N'.repeat(MAX_STACK_ITEMS / 2 + 1) + '.', /stack exceeds/, MAX_STACK_ITEMS + 1);
  });

  it(`limits the memo to MAX_MEMO_ENTRIES (${MAX_MEMO_ENTRIES})`, () => {
    // The first MAX_MEMO_ENTRIES slots fill; the one after fails.
    rejects('\x80\x04N' + '\x94'.repeat(MAX_MEMO_ENTRIES + 1) + '.', /memo exceeds/, 3 + MAX_MEMO_ENTRIES);
  });

  it(`limits containers to MAX_CONTAINER_LENGTH (${MAX_CONTAINER_LENGTH}) items`, () => {
    const batch = 1 << 19;
    const appends = `(${'N'.repeat(batch)}e`;
    const exact = `]${appends.repeat(MAX_CONTAINER_LENGTH / batch)}`;
    // Every batch up to the limit is accepted; the item after it fails.
    rejects(`${exact}Na.`, /container exceeds/, exact.length + 1);
    const small = load(`]${appends}.`);
    assert.ok(small instanceof PyList && small.items.length === batch);
  });

  it('compares dict keys as Python does: True == 1 == 1.0, tuples by content', () => {
    const merged = load('}I1\nNsI01\nI2\nsF1.0\nI3\ns.');
    assert.deepEqual(plain(merged), { 1: 3n });
    const tuples = load('}(Va,b\ntNs(Va\nVb\ntI1\ns(Va,b\ntI2\ns.') as PyDict;
    assert.equal(tuples.entries.size, 2);
  });

  it(`limits dict keys to MAX_KEY_DEPTH (${MAX_KEY_DEPTH}) nested tuples`, () => {
    const key = (depth: number) => `${')'}${'\x85'.repeat(depth)}`;
    assert.ok(load(`}${key(MAX_KEY_DEPTH)}Ns.`));
    rejects(`}${key(MAX_KEY_DEPTH + 1)}Ns.`, /unhashable dict key \(key nested deeper than 32\)/);
  });

  it(`limits decimal integers to MAX_INT_DIGITS (${MAX_INT_DIGITS})`, () => {
    assert.equal(load(`I${'9'.repeat(MAX_INT_DIGITS)}\n.`), BigInt('9'.repeat(MAX_INT_DIGITS)));
    rejects(`I${'9'.repeat(MAX_INT_DIGITS + 1)}\n.`, /is not an integer/);
  });

  it(`limits integers to MAX_LONG_BYTES (${MAX_LONG_BYTES})`, () => {
    const long = (n: number) => Buffer.concat([Buffer.from([0x8b, n & 0xff, (n >> 8) & 0xff, 0, 0]), Buffer.alloc(n, 1), Buffer.from('.')]);
    assert.equal(typeof load(long(MAX_LONG_BYTES)), 'bigint');
    rejects(long(MAX_LONG_BYTES + 1), /exceeds the limit of 1024/, 0);
  });
});

/** How many tuples deep (((),),) goes. */
function tupleDepth(value: PickleValue): number {
  let depth = 0;
  for (let v: PickleValue | undefined = value; v instanceof PyTuple; v = v.items[0]) depth++;
  return depth;
}

function plainDictValue(value: PickleValue, key: string): PickleValue | undefined {
  for (const entry of (value as { entries: Map<string, { key: PickleValue; value: PickleValue }> }).entries.values()) {
    if (entry.key === key) return entry.value;
  }
  return undefined;
}
