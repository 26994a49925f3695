import { FormatError } from '../../errors';
import { isPlainDType, PLAIN_DTYPES, type PlainDType } from '../../../shared/vocab/dtypes';
import { checkShape, isRecord, jsonSnippet, parseJsonText } from '../jsonText';

const FORMAT = 'safetensors';

/** The u64 header length that opens every file. // safetensors README "Format" */
export const HEADER_LENGTH_BYTES = 8;
/** Same cap as the reference implementation, so we refuse what it refuses. // safetensors/src/tensor.rs MAX_HEADER_SIZE */
export const MAX_HEADER_BYTES = 100_000_000;
/** torch and numpy 2 stop at 64 dimensions; more is a hostile or broken header. */
export const MAX_NDIMS = 64;
/** Far beyond real checkpoints (a shard of a 400B model holds about a thousand); bounds memory for a hostile header. */
export const MAX_TENSORS = 1_000_000;
/** Key of the free-form string map. // safetensors README "Format" */
const METADATA_KEY = '__metadata__';

/** dtype names of the safetensors spec that QuantLens decodes. // safetensors/src/tensor.rs enum Dtype */
const SAFETENSORS_DTYPES: readonly PlainDType[] = [
  'F64', 'F32', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL',
];

export interface HeaderEntry {
  readonly name: string;
  readonly dtype: PlainDType;
  readonly shape: number[];
  readonly numel: number;
  /** Offsets relative to the start of the data section. */
  readonly begin: number;
  readonly end: number;
}

export interface ParsedHeader {
  readonly metadata: Record<string, string>;
  /** In data order (by offset, then name), which is also the order a sequential scan reads. */
  readonly entries: HeaderEntry[];
}

/**
 * Parses and validates the JSON header. Like the reference implementation, the tensors must
 * tile the data section exactly: no overlap, no gap, nothing after the last tensor. A file
 * that safetensors.safe_open refuses is refused here too, so numbers never come from bytes
 * torch would not load.
 */
export function parseHeader(json: Uint8Array, dataSize: number): ParsedHeader {
  const headerAt = HEADER_LENGTH_BYTES;
  const root = parseJsonText(json, FORMAT, 'header', headerAt);
  if (!isRecord(root)) throw new FormatError(FORMAT, 'header is not a JSON object', headerAt);
  const names = Object.keys(root).filter((k) => k !== METADATA_KEY);
  if (names.length > MAX_TENSORS) throw new FormatError(FORMAT, `${names.length} tensors exceed the limit of ${MAX_TENSORS}`, headerAt);
  const metadata = parseMetadata(root[METADATA_KEY]);
  const entries = names.map((name) => parseEntry(name, root[name], dataSize));
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : 1));
  checkTiling(entries, dataSize, headerAt + json.length);
  return { metadata, entries };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new FormatError(FORMAT, `${METADATA_KEY} is not an object`, HEADER_LENGTH_BYTES);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new FormatError(FORMAT, `${METADATA_KEY}.${k} is not a string`, HEADER_LENGTH_BYTES);
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, value: unknown, dataSize: number): HeaderEntry {
  const at = HEADER_LENGTH_BYTES;
  const what = `tensor '${name}'`;
  if (!isRecord(value)) throw new FormatError(FORMAT, `${what} is not an object`, at);
  const dtype = value['dtype'];
  if (typeof dtype !== 'string' || !isPlainDType(dtype) || !SAFETENSORS_DTYPES.includes(dtype)) {
    throw new FormatError(FORMAT, `${what}: unsupported dtype ${jsonSnippet(dtype)}`, at);
  }
  const { shape, numel } = checkShape(value['shape'], MAX_NDIMS, FORMAT, what, at);
  const offsets = value['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    throw new FormatError(FORMAT, `${what}: data_offsets must be two non-negative integers, got ${jsonSnippet(offsets)}`, at);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new FormatError(FORMAT, `${what}: data_offsets [${begin}, ${end}] end before they begin`, at);
  const expected = numel * PLAIN_DTYPES[dtype].bytes;
  if (end - begin !== expected) {
    throw new FormatError(FORMAT, `${what}: data_offsets span ${end - begin} bytes but ${dtype}[${shape.join(', ')}] needs ${expected}`, at);
  }
  if (end > dataSize) {
    throw new FormatError(FORMAT, `${what}: data_offsets [${begin}, ${end}] run past the data section of ${dataSize} bytes (truncated file?)`, at);
  }
  return { name, dtype, shape, numel, begin, end };
}

function checkTiling(entries: readonly HeaderEntry[], dataSize: number, dataStart: number): void {
  let covered = 0;
  let previous: HeaderEntry | undefined;
  for (const e of entries) {
    if (e.begin < covered) {
      throw new FormatError(FORMAT, `tensor '${e.name}' [${e.begin}, ${e.end}] overlaps tensor '${previous?.name}' [${previous?.begin}, ${previous?.end}]`, dataStart + e.begin);
    }
    if (e.begin > covered) {
      throw new FormatError(FORMAT, `bytes ${covered}..${e.begin} of the data section belong to no tensor (safetensors requires tensors to tile the data)`, dataStart + covered);
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataSize) {
    throw new FormatError(FORMAT, `the data section holds ${dataSize} bytes but the tensors cover ${covered} (trailing bytes or a missing tensor)`, dataStart + covered);
  }
}
