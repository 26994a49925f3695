import * as assert from 'node:assert/strict';
import { MAX_LITERAL_DEPTH, parsePyLiteral, type PyLiteral } from '../../../src/core/formats/numpy/pyLiteral';

function value(text: string): PyLiteral {
  const parsed = parsePyLiteral(text);
  assert.ok('value' in parsed, `${text}: ${'error' in parsed ? parsed.error : ''}`);
  return parsed.value;
}

function error(text: string): string {
  const parsed = parsePyLiteral(text);
  assert.ok('error' in parsed, `${text} parsed`);
  return parsed.error;
}

const tuple = (...items: PyLiteral[]): PyLiteral => ({ kind: 'tuple', items });

describe('Python literal parser (npy headers)', () => {
  it('reads what numpy writes', () => {
    const header = value("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }");
    assert.deepEqual(header, { kind: 'dict', entries: new Map<string, PyLiteral>([['descr', '<f4'], ['fortran_order', false], ['shape', tuple(3n, 4n)]]) });
  });

  it('follows Python tuple rules: () and (3,) are tuples, (3) is an int', () => {
    assert.deepEqual(value('()'), tuple());
    assert.deepEqual(value('(3,)'), tuple(3n));
    assert.equal(value('(3)'), 3n);
    assert.deepEqual(value('(3L, 4L)'), tuple(3n, 4n));
    assert.deepEqual(value("[('a', '<f4')]"), { kind: 'list', items: [tuple('a', '<f4')] });
  });

  it('reads strings with both quotes and simple escapes, and True/False/None', () => {
    assert.equal(value(`"it's"`), "it's");
    assert.equal(value(`'a\\'b\\\\c\\n'`), "a'b\\c\n");
    assert.deepEqual([value('True'), value('False'), value('None')], [true, false, null]);
  });

  it('refuses anything that is not a plain literal', () => {
    assert.match(error("__import__('os')"), /unexpected '__import__'/);
    assert.match(error('{1: 2}'), /dict key is not a string/);
    assert.match(error("{'a': 1, 'a': 2}"), /appears twice/);
    assert.match(error('1.5'), /only integers/);
    assert.match(error('(1, 2'), /expected ','|ends early/);
    assert.match(error("'open"), /unterminated string/);
    assert.match(error("'\\x41'"), /unsupported string escape/);
    assert.match(error('Truely'), /unexpected/);
    assert.match(error('1' + '0'.repeat(50)), /only integers of up to 40 digits/);
  });

  it(`limits nesting to MAX_LITERAL_DEPTH (${MAX_LITERAL_DEPTH})`, () => {
    value('['.repeat(MAX_LITERAL_DEPTH + 1) + ']'.repeat(MAX_LITERAL_DEPTH + 1));
    assert.match(error('['.repeat(MAX_LITERAL_DEPTH + 2) + ']'.repeat(MAX_LITERAL_DEPTH + 2)), /deeper than 16/);
  });
});
