import type { PlainDType } from '../../../shared/vocab/dtypes';
import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { Cursor, UTF8_STRICT } from '../../io/cursor';
import { parsePyLiteral, type PyLiteral } from './pyLiteral';

export const NUMPY_FORMAT = 'numpy';

/** numpy/lib/format.py MAGIC_PREFIX. */
export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);
/** Largest header accepted; numpy itself refuses more than 10000 bytes unless told otherwise. */
export const MAX_NPY_HEADER_BYTES = 1024 * 1024;
/** numpy 2's NPY_MAXDIMS. */
export const MAX_NPY_DIMS = 64;

/** numpy/lib/format.py: kind and width of the descr (after its byte-order character) to our dtypes. */
const DESCR_DTYPES: ReadonlyMap<string, PlainDType> = new Map<string, PlainDType>([
  ['f2', 'F16'], ['f4', 'F32'], ['f8', 'F64'],
  ['i1', 'I8'], ['i2', 'I16'], ['i4', 'I32'], ['i8', 'I64'],
  ['u1', 'U8'], ['u2', 'U16'], ['u4', 'U32'], ['u8', 'U64'],
  ['b1', 'BOOL'],
]);

/** Kinds numpy can store that QuantLens does not decode, with why. */
const UNSUPPORTED_KINDS: Readonly<Record<string, string>> = {
  O: 'object arrays are pickles; refused',
  V: 'structured (void) dtypes are not supported',
  c: 'complex dtypes are not supported',
  M: 'datetime dtypes are not supported',
  m: 'timedelta dtypes are not supported',
  S: 'byte-string dtypes are not supported',
  a: 'byte-string dtypes are not supported',
  U: 'unicode-string dtypes are not supported',
};

export interface NpyHeader {
  readonly version: string;
  readonly descr: string;
  readonly dtype: PlainDType;
  readonly littleEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Offset of the first data byte. */
  readonly dataOffset: number;
}

export function isNpy(head: Uint8Array): boolean {
  return head.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => head[i] === b);
}

/** numpy/lib/format.py _read_array_header: magic, version, header length, then a dict literal. */
export async function readNpyHeader(source: ByteSource, label: string): Promise<NpyHeader> {
  const fixed = new Cursor(await source.read(0, Math.min(source.size, 12), NUMPY_FORMAT), NUMPY_FORMAT);
  if (!isNpy(fixed.bytesOf(NPY_MAGIC.length, 'magic'))) fixed.fail(`${label} does not start with the .npy magic`, 0);
  const major = fixed.u8('major version');
  const minor = fixed.u8('minor version');
  if (![1, 2, 3].includes(major) || minor !== 0) fixed.fail(`${label}: unsupported .npy version ${major}.${minor}`, 6);
  const headerLength = major === 1 ? fixed.u16('header length') : fixed.u32('header length');
  if (headerLength > MAX_NPY_HEADER_BYTES) fixed.fail(`${label}: header of ${headerLength} bytes exceeds the limit of ${MAX_NPY_HEADER_BYTES}`, 8);
  const headerStart = fixed.pos;
  const raw = await source.read(headerStart, headerLength, NUMPY_FORMAT);
  // Versions 1 and 2 encode the header in Latin-1, version 3 in UTF-8.
  const text = major === 3 ? decodeUtf8(raw, label, headerStart) : Buffer.from(raw).toString('latin1');
  const parsed = parsePyLiteral(text);
  if ('error' in parsed) throw new FormatError(NUMPY_FORMAT, `${label}: header is not a Python literal: ${parsed.error}`, headerStart);
  const fields = headerFields(parsed.value, label, headerStart);
  const { dtype, littleEndian } = parseDescr(fields.descr, label, headerStart);
  return { version: `${major}.${minor}`, ...fields, dtype, littleEndian, dataOffset: headerStart + headerLength };
}

function decodeUtf8(raw: Uint8Array, label: string, at: number): string {
  try {
    return UTF8_STRICT.decode(raw);
  } catch {
    throw new FormatError(NUMPY_FORMAT, `${label}: version 3 header is not valid UTF-8`, at);
  }
}

function headerFields(value: PyLiteral, label: string, at: number): { descr: string; fortranOrder: boolean; shape: number[] } {
  const fail = (message: string): never => {
    throw new FormatError(NUMPY_FORMAT, `${label}: ${message}`, at);
  };
  if (value === null || typeof value !== 'object' || value.kind !== 'dict') return fail('header is not a dict');
  const keys = [...value.entries.keys()].sort().join(',');
  if (keys !== 'descr,fortran_order,shape') fail(`header keys are {${keys}}, not {descr, fortran_order, shape}`);
  const descr = value.entries.get('descr');
  const fortranOrder = value.entries.get('fortran_order');
  const shape = value.entries.get('shape');
  if (descr !== null && typeof descr === 'object' && descr.kind === 'list') fail('structured (void) dtypes are not supported');
  if (typeof descr !== 'string') return fail('descr is not a string');
  if (typeof fortranOrder !== 'boolean') return fail('fortran_order is not True or False');
  if (shape === null || typeof shape !== 'object' || shape.kind !== 'tuple') return fail('shape is not a tuple');
  if (shape.items.length > MAX_NPY_DIMS) fail(`shape has ${shape.items.length} dimensions, more than ${MAX_NPY_DIMS}`);
  const dims = shape.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) return fail('shape holds something other than a non-negative integer');
    return Number(d);
  });
  return { descr, fortranOrder, shape: dims };
}

function parseDescr(descr: string, label: string, at: number): { dtype: PlainDType; littleEndian: boolean } {
  const fail = (message: string): never => {
    throw new FormatError(NUMPY_FORMAT, `${label}: dtype '${descr}': ${message}`, at);
  };
  const match = /^([<>|=])?([A-Za-z])(\d*)$/.exec(descr);
  if (!match) return fail('not a simple dtype');
  const [, order = '', kind = '', width = ''] = match;
  const unsupported = UNSUPPORTED_KINDS[kind];
  if (unsupported !== undefined) return fail(unsupported);
  const dtype = DESCR_DTYPES.get(kind + width);
  if (!dtype) return fail('not supported');
  // numpy always writes an explicit '<' or '>' for multi-byte types ('|' when order is irrelevant).
  if (width !== '1' && order !== '<' && order !== '>') fail(`byte order '${order}' is ambiguous for a ${width}-byte type`);
  return { dtype, littleEndian: order !== '>' };
}
