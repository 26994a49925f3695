import * as assert from 'node:assert/strict';
import { FormatError } from '../../../src/core/errors';
import { restrictedResolver } from '../../../src/core/pickle/pythonGlobals';
import { unpickle } from '../../../src/core/pickle/unpickler';
import { DIGEST_KEY_LENGTH } from '../../../src/core/pickle/keys';
import { PyDict, PySet, type PickleValue } from '../../../src/core/pickle/values';

const load = (text: string): PickleValue =>
  unpickle(Buffer.from(text, 'latin1'), { format: 'pickle', resolveGlobal: restrictedResolver('pickle', new Map()) }).value;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** BINUNICODE (X) or BINBYTES (B) of `length` bytes, memoized in slot 0 (BINPUT 0). */
const bigScalar = (opcode: 'X' | 'B', length: number) => Buffer.concat([Buffer.from(opcode), u32(length), Buffer.alloc(length, 0x61), Buffer.from('q\x00', 'latin1')]);
/** The pickle's value and how many milliseconds loading it took. */
const timedLoad = (bytes: Buffer) => {
  const started = performance.now();
  const value = load(bytes.toString('latin1'));
  return { value, ms: performance.now() - started };
};
/** Generous for a shared machine: each case took 10 s to minutes before its fix, ~0.1 s after. */
const BOUND_MS = 5000;

describe('unpickler: inputs that cost far more than their size (found by fuzzing)', function () {
  // A regression must fail by its elapsed-time assertion, not by mocha's timeout.
  this.timeout(300_000);

  it('set([...130,000 items]) loads (was set.items.push(...items): stack overflow)', () => {
    const n = 130_000;
    const value = load(`\x80\x02cbuiltins\nset\n(](${'N'.repeat(n)}etR.`);
    assert.ok(value instanceof PySet && !value.frozen);
    assert.equal(value.items.length, n);
  });

  it('refuses ADDITEMS on a frozenset, as pickle.py does (frozensets have no add): keys rely on them not changing', () => {
    assert.throws(() => load('\x80\x04(K\x01\x91(K\x02\x90.'), (e: unknown) => e instanceof FormatError && /adds set items to a frozenset/.test(e.message));
  });

  it('still compares tuple and frozenset keys by content: nested, reordered, duplicated', () => {
    // {((1, 2), 3): 'a', ((1, 2), 3): 'b'} is one entry; frozenset({1, 2}) == frozenset({2, 1, 1}).
    const tuples = load('}K\x01K\x02\x86K\x03\x86X\x01\x00\x00\x00asK\x01K\x02\x86K\x03\x86X\x01\x00\x00\x00bs.') as PyDict;
    assert.equal(tuples.entries.size, 1);
    assert.equal([...tuples.entries.values()][0]!.value, 'b');
    const sets = load('\x80\x04}(K\x01K\x02\x91Ns(K\x02K\x01K\x01\x91Ns(K\x03\x91Ns.') as PyDict;
    assert.equal(sets.entries.size, 2);
    // A tuple and a frozenset of the same items differ, as in Python.
    const mixed = load('\x80\x04}(K\x01\x91Ns(K\x01tNs.') as PyDict;
    assert.equal(mixed.entries.size, 2);
  });

  for (const opcode of ['X', 'B'] as const) {
    it(`hashes a 1 MB ${opcode === 'X' ? 'string' : 'bytes'} key once however often the memo reuses it (each use copied it: 500 uses, 10 s)`, () => {
      const uses = 500;
      // {}, the value in slot 0, then (BINGET 0, None, SETITEM) again and again: one entry.
      const bytes = Buffer.concat([Buffer.from('\x80\x03}', 'latin1'), bigScalar(opcode, 1 << 20), Buffer.from('Ns'), Buffer.from('h\x00Ns'.repeat(uses), 'latin1'), Buffer.from('.')]);
      const { value: dict, ms } = timedLoad(bytes);
      assert.ok(ms < BOUND_MS, `${ms} ms`);
      assert.ok(dict instanceof PyDict);
      assert.equal(dict.entries.size, 1);
    });
  }

  it('hashes a tuple of 5,000 references to one 1 MB string in O(size) (it copied the string 5,000 times)', () => {
    const refs = 5000;
    // {(s, s, ..., s): None}: MARK, BINGET 0 x refs, TUPLE, None, SETITEM; the same tuple again with the string's twin.
    const key = `(${'h\x00'.repeat(refs)}t`;
    const bytes = Buffer.concat([Buffer.from('\x80\x03}', 'latin1'), bigScalar('X', 1 << 20), Buffer.from('0', 'latin1'), Buffer.from(`${key}Ns${key}Ns.`, 'latin1')]);
    const { value: dict, ms } = timedLoad(bytes);
    assert.ok(ms < BOUND_MS, `${ms} ms`);
    assert.ok(dict instanceof PyDict);
    assert.equal(dict.entries.size, 1);
  });

  it(`still tells long keys apart by content (strings and bytes over DIGEST_KEY_LENGTH = ${DIGEST_KEY_LENGTH})`, () => {
    const text = (s: string) => Buffer.concat([Buffer.from('X'), u32(s.length), Buffer.from(s, 'latin1')]);
    const long = 'k'.repeat(DIGEST_KEY_LENGTH + 1);
    // {long: 1, long (another object, same text): 2, long + 'x': 3, b long: 4}: three entries, the first holding 2.
    const bytes = Buffer.concat([
      Buffer.from('\x80\x03}(', 'latin1'), text(long), Buffer.from('K\x01'), text(long), Buffer.from('K\x02'), text(`${long}x`), Buffer.from('K\x03'),
      Buffer.from('B'), u32(long.length), Buffer.from(long, 'latin1'), Buffer.from('K\x04u.'),
    ]);
    const dict = load(bytes.toString('latin1'));
    assert.ok(dict instanceof PyDict);
    assert.deepEqual([...dict.entries.values()].map((e) => e.value), [2n, 3n, 4n]);
  });
});
