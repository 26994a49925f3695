import { concatBytes } from '../fileSet';
import { INTERESTING_INTS, pickCount } from './interesting';
import { pick, type MutationParams } from './mutator';

/** numpy/lib/format.py: magic, version, header length (u16 in 1.0, u32 in 2.0/3.0), dict literal, data. */
const MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);
const DESCRS = ['<f4', '>f8', '<f2', '|b1', '|u1', '|i1', '<i8', '>i2', '<u8', '|O', '<c8', '<U10', '|S3', '|V8', '<M8[ns]', 'f4', '=f4', '<f16', 'abc', ''];
const FORTRAN = ['True', 'False', '1', 'None', "'False'"];
const VERSIONS: readonly (readonly [number, number])[] = [[1, 0], [2, 0], [3, 0], [4, 0], [0, 0], [1, 1], [255, 255]];

interface Npy {
  major: number;
  minor: number;
  header: string;
  data: Uint8Array;
  /** Written instead of the real header length. */
  declaredLength?: number;
}

export function parseNpy(bytes: Uint8Array): Npy | undefined {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const wide = major !== 1;
  if (wide && bytes.length < 12) return undefined;
  const length = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const start = wide ? 12 : 10;
  if (start + length > bytes.length) return undefined;
  return { major, minor: bytes[7]!, header: Buffer.from(bytes.subarray(start, start + length)).toString('latin1'), data: bytes.subarray(start + length) };
}

export function writeNpy(npy: Npy): Uint8Array {
  const header = npy.major === 3 ? new TextEncoder().encode(npy.header) : Uint8Array.from(Buffer.from(npy.header, 'latin1'));
  const wide = npy.major !== 1;
  const fixed = new Uint8Array(wide ? 12 : 10);
  fixed.set(MAGIC);
  fixed[6] = npy.major;
  fixed[7] = npy.minor;
  const view = new DataView(fixed.buffer);
  const length = npy.declaredLength ?? header.length;
  if (wide) view.setUint32(8, length >>> 0, true);
  else view.setUint16(8, length & 0xffff, true);
  return concatBytes([fixed, header, npy.data]);
}

/** A header dict as numpy writes it, padded with spaces to a multiple of 64 and ended by a newline. */
function headerText(descr: string, fortran: string, shape: string): string {
  const dict = `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const pad = 64 - ((dict.length + 11) % 64);
  return `${dict}${' '.repeat(pad)}\n`;
}

function shapeText(p: MutationParams): string {
  const choices: (() => string)[] = [
    () => '()',
    () => '(0,)',
    () => `(${pick(INTERESTING_INTS, p.d)},)`,
    () => `(${pick(INTERESTING_INTS, p.d)}, ${pick(INTERESTING_INTS, p.c)})`,
    () => `(${Array(pick([64, 65, 1000], p.d)).fill('1').join(', ')},)`,
    () => `(${'('.repeat(pick([2, 17, 1000], p.d))}1${')'.repeat(pick([2, 17, 1000], p.d))},)`,
    () => '(-1,)',
    () => '(1.5,)',
    () => "('3',)",
    () => `(${'9'.repeat(pick([20, 400, 5000], p.d))},)`,
    () => '[2, 3]',
  ];
  return pick(choices, p.b)();
}

/** Edits of one .npy's bytes; undefined when they are not an .npy. */
export const NPY_EDITS: readonly { name: string; edit(bytes: Uint8Array, p: MutationParams): Uint8Array | undefined }[] = [
  {
    name: 'npy-descr',
    edit(bytes, p) {
      const npy = parseNpy(bytes);
      if (!npy) return undefined;
      npy.header = npy.header.replace(/'descr':\s*'[^']*'/, `'descr': '${pick(DESCRS, p.b)}'`);
      return writeNpy(npy);
    },
  },
  {
    name: 'npy-shape',
    edit(bytes, p) {
      const npy = parseNpy(bytes);
      if (!npy) return undefined;
      npy.header = npy.header.replace(/'shape':\s*\([^)]*\)/, `'shape': ${shapeText(p)}`);
      return writeNpy(npy);
    },
  },
  {
    name: 'npy-header',
    edit(bytes, p) {
      const npy = parseNpy(bytes);
      if (!npy) return undefined;
      const descr = p.a % 3 === 0 ? `[('a', '<f4')]` : `'${pick(DESCRS, p.a)}'`;
      npy.header = p.d % 4 === 0 ? `{'descr': ${descr}, 'fortran_order': False, 'shape': (2,), 'extra': 1, }\n` : headerText(descr, pick(FORTRAN, p.c), shapeText(p));
      return writeNpy(npy);
    },
  },
  {
    name: 'npy-version',
    edit(bytes, p) {
      const npy = parseNpy(bytes);
      if (!npy) return undefined;
      [npy.major, npy.minor] = pick(VERSIONS, p.b);
      return writeNpy(npy);
    },
  },
  {
    name: 'npy-header-length',
    edit(bytes, p) {
      const npy = parseNpy(bytes);
      if (!npy) return undefined;
      npy.declaredLength = p.d % 2 === 0 ? Number(BigInt.asUintN(32, pick(INTERESTING_INTS, p.b))) : npy.header.length + (p.b % 32) - 16;
      return writeNpy(npy);
    },
  },
  {
    name: 'npy-resize-data',
    edit(bytes, p) {
      const npy = parseNpy(bytes);
      if (!npy) return undefined;
      const size = p.d % 2 === 0 ? Math.max(0, npy.data.length - 1 - (p.b % 64)) : npy.data.length + pickCount(p.b);
      const data = new Uint8Array(size);
      data.set(npy.data.subarray(0, size));
      npy.data = data;
      return writeNpy(npy);
    },
  },
];
