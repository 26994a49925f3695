/**
 * A parser for the Python literals a .npy header holds (dicts, tuples, lists, strings, ints,
 * True/False/None). It only builds data: nothing is evaluated, unlike numpy's ast.literal_eval.
 */
export type PyLiteral =
  | string
  | bigint
  | boolean
  | null
  | { readonly kind: 'tuple' | 'list'; readonly items: readonly PyLiteral[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PyLiteral> };

/** Deepest nesting accepted; a structured descr nests a few levels, a plain header two. */
export const MAX_LITERAL_DEPTH = 16;
/** Longest integer literal; shape entries are at most 20 digits. */
const MAX_INT_DIGITS = 40;

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };

/** Parses `text` as one literal; returns an error message instead of throwing. */
export function parsePyLiteral(text: string): { value: PyLiteral } | { error: string } {
  const parser = new LiteralParser(text);
  try {
    const value = parser.value(0);
    parser.skipSpace();
    if (!parser.atEnd()) return { error: `unexpected '${text.slice(parser.pos, parser.pos + 10)}' after the literal` };
    return { value };
  } catch (e) {
    if (e instanceof LiteralError) return { error: e.message };
    throw e;
  }
}

class LiteralError extends Error {}

class LiteralParser {
  pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  private fail(message: string): never {
    throw new LiteralError(`${message} at character ${this.pos}`);
  }

  value(depth: number): PyLiteral {
    if (depth > MAX_LITERAL_DEPTH) this.fail(`literal nests deeper than ${MAX_LITERAL_DEPTH}`);
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('literal ends early');
    if (ch === '{') return this.dict(depth);
    if (ch === '(') return this.sequence('tuple', ')', depth);
    if (ch === '[') return this.sequence('list', ']', depth);
    if (ch === "'" || ch === '"') return this.string();
    if (/[-+0-9]/.test(ch)) return this.integer();
    for (const [word, value] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.text.startsWith(word, this.pos) && !/\w/.test(this.text[this.pos + word.length] ?? '')) {
        this.pos += word.length;
        return value;
      }
    }
    this.fail(`unexpected '${this.text.slice(this.pos, this.pos + 10)}'`);
  }

  private dict(depth: number): PyLiteral {
    this.pos++;
    const entries = new Map<string, PyLiteral>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') break;
      const key = this.value(depth + 1);
      if (typeof key !== 'string') this.fail('dict key is not a string');
      this.expect(':');
      if (entries.has(key)) this.fail(`dict key '${key}' appears twice`);
      entries.set(key, this.value(depth + 1));
      if (!this.separator('}')) break;
    }
    this.expect('}');
    return { kind: 'dict', entries };
  }

  private sequence(kind: 'tuple' | 'list', close: string, depth: number): PyLiteral {
    this.pos++;
    const items: PyLiteral[] = [];
    let trailingComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) break;
      items.push(this.value(depth + 1));
      trailingComma = this.separator(close);
      if (!trailingComma) break;
    }
    this.expect(close);
    // "(3)" is the int 3 in Python; only "(3,)" is a tuple.
    if (kind === 'tuple' && items.length === 1 && !trailingComma) return items[0]!;
    return { kind, items };
  }

  /** Consumes a comma (true) or sees the closing bracket (false). */
  private separator(close: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ',') {
      this.pos++;
      return true;
    }
    if (this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
    return false;
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined || ch === '\n') this.fail('unterminated string');
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const escaped = ESCAPES[this.text[this.pos++] ?? ''];
      if (escaped === undefined) this.fail('unsupported string escape');
      out += escaped;
    }
  }

  private integer(): bigint {
    const match = /^[-+]?\d+/.exec(this.text.slice(this.pos, this.pos + MAX_INT_DIGITS + 2));
    if (!match) this.fail('bad number');
    this.pos += match[0].length;
    // numpy under Python 2 wrote shapes as (3L, 4L).
    if (this.text[this.pos] === 'L') this.pos++;
    if (/[.\w]/.test(this.text[this.pos] ?? '')) this.fail(`only integers of up to ${MAX_INT_DIGITS} digits are supported`);
    return BigInt(match[0]);
  }
}
