import type { FileSet } from '../fileSet';
import { INTERESTING_STRINGS, pickCount } from './interesting';
import { MAX_MUTATED_FILE_BYTES, pick, type MutationParams, type Mutator } from './mutator';

/** A JSON tree that keeps duplicate keys and can hold raw text (nesting too deep for a recursive writer). */
type JsonNode =
  | { kind: 'value'; value: null | boolean | number | string }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'object'; entries: [string, JsonNode][] }
  | { kind: 'raw'; text: string };

/** Documents nested deeper are left to the byte mutators (the tree is walked recursively). */
const MAX_TREE_DEPTH = 200;
/** Nodes an edit chooses from; a bigger document is edited within its first nodes. */
const MAX_NODES = 20_000;
const NESTING_DEPTHS = [2, 33, 100, 1001, 20_000] as const;
const NUMBER_EDGES: readonly string[] = [
  '-1', '0', '-0', '1', '0.5', '1e-7', '2147483648', '4294967296', '9007199254740992', '9007199254740993',
  '18446744073709551616', '1e308', '1e309', '-1e309', '3.0', '1E2',
];

function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return max;
}

export function parseJsonTree(text: string): JsonNode | undefined {
  if (nestingDepth(text) > MAX_TREE_DEPTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return toNode(value);
}

function toNode(value: unknown): JsonNode {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toNode) };
  if (value !== null && typeof value === 'object') return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, toNode(v)]) };
  return { kind: 'value', value: value as null | boolean | number | string };
}

/**
 * The tree as JSON text, or undefined as soon as the text passes MAX_MUTATED_FILE_BYTES characters:
 * a big node duplicated a thousand times would otherwise build a string past V8's maximum
 * (RangeError: Invalid string length) after a long time spent writing it.
 */
export function writeJsonTree(node: JsonNode): string | undefined {
  const parts: string[] = [];
  let length = 0;
  const emit = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length <= MAX_MUTATED_FILE_BYTES;
  };
  const write = (n: JsonNode): boolean => {
    switch (n.kind) {
      case 'value': return emit(JSON.stringify(n.value));
      case 'raw': return emit(n.text);
      case 'array': return emit('[') && n.items.every((item, i) => (i === 0 || emit(',')) && write(item)) && emit(']');
      case 'object': return emit('{') && n.entries.every(([k, v], i) => (i === 0 || emit(',')) && emit(`${JSON.stringify(k)}:`) && write(v)) && emit('}');
    }
  };
  return write(node) ? parts.join('') : undefined;
}

interface Located {
  readonly node: JsonNode;
  /** Where the node hangs: its container and its index there (entries index for objects). */
  readonly parent?: { readonly container: JsonNode & { kind: 'array' | 'object' }; readonly index: number };
}

function nodesOf(root: JsonNode): Located[] {
  const out: Located[] = [{ node: root }];
  for (let i = 0; i < out.length && out.length < MAX_NODES; i++) {
    const { node } = out[i]!;
    if (node.kind === 'array') node.items.forEach((child, index) => out.push({ node: child, parent: { container: node, index } }));
    if (node.kind === 'object') node.entries.forEach(([, child], index) => out.push({ node: child, parent: { container: node, index } }));
  }
  return out.slice(0, MAX_NODES);
}

function replaceIn(located: Located, replacement: JsonNode): boolean {
  const parent = located.parent;
  if (!parent) return false;
  if (parent.container.kind === 'array') parent.container.items[parent.index] = replacement;
  else parent.container.entries[parent.index]![1] = replacement;
  return true;
}

function interestingValue(b: number, d: number): JsonNode {
  const choices: (() => JsonNode)[] = [
    () => ({ kind: 'value', value: null }),
    () => ({ kind: 'value', value: true }),
    () => ({ kind: 'raw', text: pick(NUMBER_EDGES, d) }),
    () => ({ kind: 'value', value: pick(INTERESTING_STRINGS, d) }),
    () => ({ kind: 'array', items: [] }),
    () => ({ kind: 'object', entries: [] }),
    () => ({ kind: 'raw', text: `[${Array<string>(pickCount(d)).fill('0').join(',')}]` }),
    () => ({ kind: 'raw', text: `[${Array<string>(1 + (d % 70)).fill('1').join(',')}]` }),
    () => ({ kind: 'raw', text: `{${Array.from({ length: pickCount(d) }, (_, i) => `"k${i}":0`).join(',')}}` }),
  ];
  return pick(choices, b)();
}

/** One edit of a parsed JSON tree; false when it does not apply. */
type TreeEdit = (root: JsonNode, nodes: Located[], p: MutationParams) => boolean;

const EDITS: readonly { name: string; edit: TreeEdit }[] = [
  { name: 'replace', edit: (_r, nodes, p) => replaceIn(pick(nodes, p.a), interestingValue(p.b, p.d)) },
  {
    name: 'number-edge',
    edit: (_r, nodes, p) => {
      const numbers = nodes.filter((n) => n.node.kind === 'value' && typeof n.node.value === 'number');
      return numbers.length > 0 && replaceIn(pick(numbers, p.a), { kind: 'raw', text: pick(NUMBER_EDGES, p.b) });
    },
  },
  {
    name: 'string-edge',
    edit: (_r, nodes, p) => {
      const strings = nodes.filter((n) => n.node.kind === 'value' && typeof n.node.value === 'string');
      return strings.length > 0 && replaceIn(pick(strings, p.a), { kind: 'value', value: pick(INTERESTING_STRINGS, p.b) });
    },
  },
  {
    name: 'delete',
    edit: (_r, nodes, p) => {
      const parent = pick(nodes, p.a).parent;
      if (!parent) return false;
      if (parent.container.kind === 'array') parent.container.items.splice(parent.index, 1);
      else parent.container.entries.splice(parent.index, 1);
      return true;
    },
  },
  {
    name: 'duplicate',
    edit: (_r, nodes, p) => {
      const parent = pick(nodes, p.a).parent;
      if (!parent) return false;
      const times = pickCount(p.b);
      if (parent.container.kind === 'array') {
        const item = parent.container.items[parent.index]!;
        parent.container.items.splice(parent.index, 0, ...Array<JsonNode>(Math.min(times, 1000)).fill(item));
      } else {
        const [key, value] = parent.container.entries[parent.index]!;
        // Same key (JSON.parse keeps the last) or distinct keys (more entries).
        const copies = Array.from({ length: Math.min(times, 1000) }, (_, i): [string, JsonNode] => [p.d % 2 === 0 ? key : `${key}#${i}`, value]);
        parent.container.entries.splice(parent.index, 0, ...copies);
      }
      return true;
    },
  },
  {
    name: 'swap',
    edit: (_r, nodes, p) => {
      const x = pick(nodes, p.a);
      const y = pick(nodes, p.b);
      if (!x.parent || !y.parent || x === y) return false;
      const xNode = x.node;
      replaceIn(x, y.node);
      replaceIn(y, xNode);
      return true;
    },
  },
  {
    name: 'rename-key',
    edit: (_r, nodes, p) => {
      const parent = pick(nodes, p.a).parent;
      if (!parent || parent.container.kind !== 'object') return false;
      const keys = nodes.flatMap((n) => (n.parent?.container.kind === 'object' ? [n.parent.container.entries[n.parent.index]![0]] : []));
      parent.container.entries[parent.index]![0] = p.d % 2 === 0 ? pick(INTERESTING_STRINGS, p.b) : pick(keys, p.b);
      return true;
    },
  },
  {
    name: 'nest',
    edit: (_r, nodes, p) => {
      const target = pick(nodes, p.a);
      const depth = pick(NESTING_DEPTHS, p.b);
      const [open, close] = p.d % 2 === 0 ? ['[', ']'] : ['{"a":', '}'];
      const inner = writeJsonTree(target.node);
      return inner !== undefined && replaceIn(target, { kind: 'raw', text: `${open.repeat(depth)}${inner}${close.repeat(depth)}` });
    },
  },
];

/** Where a target keeps JSON text in its files (a whole manifest, a safetensors header). */
export interface JsonSlot {
  read(files: FileSet, p: MutationParams): string | undefined;
  write(files: FileSet, p: MutationParams, text: string): FileSet | undefined;
}

/** The tree edits as mutators of the JSON in `slot`. */
export function jsonMutators(prefix: string, slot: JsonSlot): Mutator[] {
  return EDITS.map(({ name, edit }) => ({
    name: `${prefix}-${name}`,
    apply(files, p) {
      const text = slot.read(files, p);
      const root = text === undefined ? undefined : parseJsonTree(text);
      if (!root) return undefined;
      if (!edit(root, nodesOf(root), p)) return undefined;
      const out = writeJsonTree(root);
      return out === undefined ? undefined : slot.write(files, p, out);
    },
  }));
}

/** JSON files of the set (by name), each a slot. */
export function jsonFileSlot(isJson: (name: string) => boolean): JsonSlot {
  const jsonFiles = (files: FileSet) => files.map((f, i) => ({ f, i })).filter(({ f }) => isJson(f.name));
  return {
    read(files, p) {
      const found = jsonFiles(files);
      return found.length === 0 ? undefined : new TextDecoder().decode(pick(found, p.c).f.bytes);
    },
    write(files, p, text) {
      const found = jsonFiles(files);
      const { i } = pick(found, p.c);
      return files.map((f, j) => (j === i ? { name: f.name, bytes: new TextEncoder().encode(text) } : f));
    },
  };
}
