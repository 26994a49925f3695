/**
 * bitsandbytes 4-bit (NF4 / FP4) as transformers saves Params4bit: `x` uint8 (two codes a byte,
 * high nibble first), `x.absmax` (float32 per block, or uint8 codes when nested), `x.quant_map`
 * float32[16], `x.quant_state.bitsandbytes__nf4|fp4` (JSON bytes: blocksize, shape, dtype,
 * nested_blocksize, nested_offset), and when nested `x.nested_absmax`, `x.nested_quant_map`.
 * Value: quant_map[code] * absmax[block] in float32, stored in the JSON's dtype; a nested absmax
 * is nested_quant_map[a] * nested_absmax[j / nested_blocksize] + nested_offset.
 * Source: bitsandbytes QuantState.as_dict(packed=True) / from_dict, kDequantizeBlockwise (dequantize_4bit).
 */
import type { MemberSource, ReadMember, StorageDecoder, StoredGroup } from './storage';
import { asFloats, asInts, byName, eachCandidate, fail, memberOf, numel, rowValues } from './members';
import { roundOutput, type OutputDType } from './precision';
import { f32 } from '../quant/ggml/cfloat';

const QUANT_STATE_SUFFIX = '.quant_state.bitsandbytes__';
/** Quant state JSON longer than this is not a bitsandbytes descriptor. */
const MAX_QUANT_STATE_BYTES = 4096;
/** bitsandbytes' dtype names (str(torch.dtype) without "torch.") -> the dtype its output is stored in. */
const OUTPUT_DTYPES: Readonly<Record<string, OutputDType>> = { float32: 'F32', float16: 'F16', bfloat16: 'BF16' };

interface QuantState {
  readonly blocksize: number;
  readonly shape: number[];
  readonly dtype: string;
  readonly nested_blocksize?: number;
  readonly nested_offset?: number;
}

async function quantState(name: string, logical: string, read: ReadMember): Promise<QuantState> {
  const bytes = await read(name);
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_QUANT_STATE_BYTES) fail(logical, `${name} is not a bitsandbytes quant state`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    fail(logical, `${name} is not JSON`);
  }
  const s = parsed as Partial<QuantState>;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!positive(s.blocksize) || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0) || typeof s.dtype !== 'string') {
    fail(logical, `${name} lacks blocksize, shape or dtype`);
  }
  return s as QuantState;
}

export const BNB_4BIT: StorageDecoder = {
  id: 'bnb-4bit',
  async find(summary, claimed, read) {
    const named = byName(summary.tensors);
    return eachCandidate('bnb-4bit', summary.tensors, (t) => t.name.slice(0, Math.max(0, t.name.lastIndexOf(QUANT_STATE_SUFFIX))), async (t) => {
      const at = t.name.lastIndexOf(QUANT_STATE_SUFFIX);
      if (at <= 0 || claimed.has(t.name)) return undefined;
      const logical = t.name.slice(0, at);
      const quantType = t.name.slice(at + QUANT_STATE_SUFFIX.length);
      const members: Record<string, string> = { quantState: t.name };
      for (const [role, name] of [['weight', logical], ['absmax', `${logical}.absmax`], ['quantMap', `${logical}.quant_map`],
        ['nestedAbsmax', `${logical}.nested_absmax`], ['nestedQuantMap', `${logical}.nested_quant_map`]] as const) {
        if (named.has(name)) members[role] = name;
      }
      if (!members['weight'] || !members['absmax'] || !members['quantMap']) return undefined;
      const state = await quantState(t.name, logical, read);
      const nested = members['nestedAbsmax'] !== undefined;
      if (nested !== (members['nestedQuantMap'] !== undefined) || (nested && !state.nested_blocksize)) fail(logical, 'nested absmax needs nested_absmax, nested_quant_map and nested_blocksize');
      const output = OUTPUT_DTYPES[state.dtype];
      if (!output) fail(logical, `output dtype '${state.dtype}' is not float32, float16 or bfloat16`);
      return {
        storage: 'bnb-4bit',
        logical,
        shape: state.shape,
        members,
        params: { quantType, blocksize: state.blocksize, output, nestedBlocksize: state.nested_blocksize ?? 0, nestedOffset: state.nested_offset ?? 0 },
      };
    });
  },
  decodes: 'rows',
  // Codes and absmax run in the logical order: a span of rows reads its bytes and its blocks' absmax.
  async decodeRows(group, source, { first, end }) {
    const n = numel(group.shape);
    const cols = rowValues(group.shape);
    const [start, stop] = [first * cols, end * cols];
    const blocksize = group.params['blocksize'] as number;
    const nBlocks = Math.ceil(n / blocksize);
    const [b0, b1] = [Math.floor(start / blocksize), Math.ceil(stop / blocksize)];
    const byte0 = start >> 1;
    const codes = asInts(group, 'weight', await source.read(memberOf(group, 'weight', source, Math.ceil(n / 2)), byte0, Math.ceil(stop / 2) - byte0));
    const quantMap = asFloats(group, 'quantMap', await source.read(memberOf(group, 'quantMap', source, 16), 0, 16));
    const absmax = await blockAbsmax(group, source, nBlocks, b0, b1);
    const values = new Float32Array(stop - start);
    for (let i = start; i < stop; i++) {
      const byte = codes[(i >> 1) - byte0]!;
      values[i - start] = quantMap[i % 2 === 0 ? byte >> 4 : byte & 0xf]! * absmax[Math.floor(i / blocksize) - b0]!;
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};

/**
 * Absmax of blocks [b0, b1): float32 as stored, or decoded from its 8-bit blockwise quantization
 * (bitsandbytes dequantize_blockwise) plus the offset.
 */
async function blockAbsmax(group: StoredGroup, source: MemberSource, nBlocks: number, b0: number, b1: number): Promise<Float32Array | Float64Array> {
  const stored = await source.read(memberOf(group, 'absmax', source, nBlocks), b0, b1 - b0);
  if (!group.members['nestedAbsmax']) return asFloats(group, 'absmax', stored);
  const codes = asInts(group, 'absmax', stored);
  const nestedBlocksize = group.params['nestedBlocksize'] as number;
  const offset = f32(group.params['nestedOffset'] as number);
  const code = asFloats(group, 'nestedQuantMap', await source.read(memberOf(group, 'nestedQuantMap', source, 256), 0, 256));
  const [n0, n1] = [Math.floor(b0 / nestedBlocksize), Math.ceil(b1 / nestedBlocksize)];
  const scale = asFloats(group, 'nestedAbsmax', await source.read(memberOf(group, 'nestedAbsmax', source, Math.ceil(nBlocks / nestedBlocksize)), n0, n1 - n0));
  const absmax = new Float32Array(b1 - b0);
  for (let j = b0; j < b1; j++) absmax[j - b0] = f32(f32(code[codes[j - b0]!]! * scale[Math.floor(j / nestedBlocksize) - n0]!) + offset);
  return absmax;
}
