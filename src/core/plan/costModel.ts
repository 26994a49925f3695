import { assertNever } from '../../shared/assertNever';
import { bytesForType, storageBlock } from '../../shared/vocab/dtypes';
import type { GgmlDType } from '../../shared/vocab/dtypes';
import type { PlanTensor, PlanType } from './planTypes';
import type { IntConventionName } from './intConventions';

/** The plain float types a plan can assign. */
const FLOAT_TYPES = ['F32', 'F16', 'BF16'] as const;
type FloatType = (typeof FLOAT_TYPES)[number];

/** A scale's storage: a fixed float type, or 'source' = the tensor's own float type (F16/BF16 stay, anything else F32), as tools that write scales in the model dtype do. */
export type ScaleStorage = FloatType | 'source';

/**
 * How an integer format stores zero points: 'none' (symmetric), 'packed' (asymmetric: unsigned ints
 * of the weight's width packed per row, ONNX MatMulNBits), 'byte' (symmetric, but an int8 zero
 * point per group is stored all the same, ONNX QDQ), 'scale' (asymmetric: a float of the scale's
 * type per group, torchao's tinygemm scale_and_zero).
 */
export type ZeroPointStorage = 'none' | 'packed' | 'byte' | 'scale';

/** Values sharing one integer scale: a group along the row, a whole row (per output channel) or the whole tensor. */
export type IntGroup = number | 'channel' | 'tensor';

/** Values per bitsandbytes 4-bit block (quantize_4bit's default blocksize). */
export const BNB4_BLOCK = 64;
/** bitsandbytes double quantization: absmax bytes per nested block of 256 blocks. // functional.py quantize_4bit compress_statistics, blocksize=256 */
export const BNB4_NESTED_BLOCK = 256;
/** Entries of a bitsandbytes code table, stored as float32 (quant_map: 16 for 4-bit, nested_quant_map: 256 for the 8-bit absmax code). */
const BNB4_CODE_ENTRIES = 16;
const BNB8_CODE_ENTRIES = 256;
/** OCP MX v1.0: 32 values share one E8M0 byte. */
export const MXFP4_BLOCK = 32;
/** NVFP4: 16 E2M1 values share one FP8 E4M3 scale byte; one FP32 scale per tensor. */
export const NVFP4_BLOCK = 16;
const F32_BYTES = 4;

/**
 * A way to store one tensor. The solver and the exports reason over candidates; a new storage
 * format is a new variant here plus its cases in `candidateBytes` and `candidateName`.
 */
export type Candidate =
  | { readonly kind: 'ggml'; readonly type: GgmlDType }
  | { readonly kind: 'float'; readonly type: FloatType }
  | { readonly kind: 'keep' }
  /**
   * k-bit integers along the row (ne[0], the reduction axis) in groups, each group with a scale (+ zero point),
   * computed as the tool named by `convention` computes them (intConventions.ts).
   */
  | {
    readonly kind: 'int'; readonly bits: 2 | 3 | 4 | 8; readonly group: IntGroup; readonly scale: ScaleStorage; readonly zero: ZeroPointStorage;
    readonly convention: IntConventionName;
  }
  /**
   * bitsandbytes NF4 / FP4 over the flattened tensor, 64 values per float32 absmax (or 8-bit absmax
   * with double quantization), as transformers saves it: the tensors, not the small quant_state JSON blob.
   */
  | { readonly kind: 'bnb4'; readonly codebook: 'nf4' | 'fp4'; readonly doubleQuant: boolean }
  /** OCP MXFP4: E2M1 values, an E8M0 scale per 32 along the row. */
  | { readonly kind: 'mxfp4' }
  /** NVIDIA NVFP4: E2M1 values, an FP8 E4M3 scale per 16 along the row, one FP32 scale per tensor. */
  | { readonly kind: 'nvfp4' }
  /** FP8 E4M3 values with one scale per tensor or per row (output channel). */
  | { readonly kind: 'fp8'; readonly scale: 'tensor' | 'channel'; readonly scaleType: ScaleStorage };

export type CandidateKind = Candidate['kind'];

function isFloatType(type: PlanType): type is FloatType {
  return (FLOAT_TYPES as readonly string[]).includes(type);
}

/** ggml block types (what ggml_is_quantized calls quantized), as opposed to plain floats. */
export function isGgmlType(type: PlanType): type is GgmlDType {
  return !isFloatType(type);
}

/** The candidate that stores a tensor as `type` (ggml block type or plain float). */
export function candidateOfType(type: PlanType): Candidate {
  return isGgmlType(type) ? { kind: 'ggml', type } : { kind: 'float', type };
}

/** Values per storage block: ggml's block size (the shared type table), 1 for plain floats. */
export function blockSizeOf(type: PlanType): number {
  return storageBlock(type).blockSize;
}

/** True when a row of `rowLength` values is a whole number of the type's blocks (ggml stores whole blocks per row). */
export function rowFits(type: PlanType, rowLength: number): boolean {
  return rowLength % blockSizeOf(type) === 0;
}

/** Rows of a tensor in ggml's sense: every dimension but ne[0]. */
export function rowCount(ne: readonly number[]): number {
  return ne.slice(1).reduce((n, d) => n * d, 1);
}

/** Stored bytes of a tensor under `type`, as llama-quantize computes them: rows times ggml_row_size. */
export function typeBytes(type: PlanType, ne: readonly number[]): number {
  return rowCount(ne) * bytesForType(type, ne[0] ?? 1);
}

/** Bytes of one scale of `storage` for `tensor`. */
export function scaleBytes(storage: ScaleStorage, tensor: PlanTensor): number {
  const type = storage === 'source' ? (tensor.type === 'F16' || tensor.type === 'BF16' ? tensor.type : 'F32') : storage;
  return bytesForType(type, 1);
}

function intBytes(c: Extract<Candidate, { kind: 'int' }>, tensor: PlanTensor): number | null {
  const scale = scaleBytes(c.scale, tensor);
  const zeroPerGroup = { none: 0, byte: 1, scale, packed: 0 }[c.zero];
  if (c.group === 'tensor') {
    const zero = c.zero === 'packed' ? Math.ceil(c.bits / 8) : zeroPerGroup;
    return Math.ceil((tensor.numel * c.bits) / 8) + scale + zero;
  }
  const rowLength = tensor.ne[0] ?? 1;
  const rows = rowCount(tensor.ne);
  if (c.group !== 'channel' && rowLength % c.group !== 0) return null;
  const groups = c.group === 'channel' ? 1 : rowLength / c.group;
  const zeros = c.zero === 'packed' ? Math.ceil((groups * c.bits) / 8) : groups * zeroPerGroup;
  return rows * (Math.ceil((rowLength * c.bits) / 8) + groups * scale + zeros);
}

function bnb4Bytes(c: Extract<Candidate, { kind: 'bnb4' }>, tensor: PlanTensor): number {
  const blocks = Math.ceil(tensor.numel / BNB4_BLOCK);
  const codes = Math.ceil(tensor.numel / 2) + BNB4_CODE_ENTRIES * F32_BYTES;
  if (!c.doubleQuant) return codes + blocks * F32_BYTES;
  // uint8 absmax per block; per nested block a float32 absmax; the 8-bit code table (the offset is in the quant_state JSON)
  const nested = Math.ceil(blocks / BNB4_NESTED_BLOCK);
  return codes + blocks + nested * F32_BYTES + BNB8_CODE_ENTRIES * F32_BYTES;
}

/** Bytes of `tensor` in blocks of `block` values along the row, `bytesPerBlock` each; null when a row is not whole blocks. */
function rowBlockBytes(tensor: PlanTensor, block: number, bytesPerBlock: number): number | null {
  const rowLength = tensor.ne[0] ?? 1;
  if (rowLength % block !== 0) return null;
  return rowCount(tensor.ne) * (rowLength / block) * bytesPerBlock;
}

/** Stored bytes of `tensor` under a candidate, scales and zero points included, or null when the candidate cannot store it (rows not whole blocks). */
export function candidateBytes(candidate: Candidate, tensor: PlanTensor): number | null {
  switch (candidate.kind) {
    case 'keep':
      return tensor.bytes;
    case 'float':
    case 'ggml':
      return rowFits(candidate.type, tensor.ne[0] ?? 1) ? typeBytes(candidate.type, tensor.ne) : null;
    case 'int':
      return intBytes(candidate, tensor);
    case 'bnb4':
      return bnb4Bytes(candidate, tensor);
    case 'mxfp4':
      return rowBlockBytes(tensor, MXFP4_BLOCK, MXFP4_BLOCK / 2 + 1);
    case 'nvfp4': {
      const blocks = rowBlockBytes(tensor, NVFP4_BLOCK, NVFP4_BLOCK / 2 + 1);
      return blocks === null ? null : blocks + F32_BYTES;
    }
    case 'fp8': {
      const scales = candidate.scale === 'tensor' ? 1 : rowCount(tensor.ne);
      return tensor.numel + scales * scaleBytes(candidate.scaleType, tensor);
    }
    default:
      return assertNever(candidate, 'candidate');
  }
}

/**
 * A candidate's name as plans show it and `--candidates` takes it: ggml and float types as
 * `inspect` names them (Q4_K, F16), else int4_g128 / int8_ch / int8_tensor (+ _asym for asymmetric
 * zero points), nf4 / fp4 (+ _dq), mxfp4, nvfp4, fp8 (per tensor) / fp8_ch, keep. Unique within a target.
 */
export function candidateName(candidate: Candidate): string {
  switch (candidate.kind) {
    case 'keep':
      return 'keep';
    case 'float':
    case 'ggml':
      return candidate.type;
    case 'int': {
      const group = candidate.group === 'channel' ? 'ch' : candidate.group === 'tensor' ? 'tensor' : `g${candidate.group}`;
      return `int${candidate.bits}_${group}${candidate.zero === 'packed' || candidate.zero === 'scale' ? '_asym' : ''}`;
    }
    case 'bnb4':
      return `${candidate.codebook}${candidate.doubleQuant ? '_dq' : ''}`;
    case 'mxfp4':
    case 'nvfp4':
      return candidate.kind;
    case 'fp8':
      return candidate.scale === 'tensor' ? 'fp8' : 'fp8_ch';
    default:
      return assertNever(candidate, 'candidate');
  }
}

/**
 * The key of a candidate's errors in the error table and its cache: its name, and for integers the
 * tool convention too, since targets share names (int8_ch) whose round trips differ.
 */
export function errorKeyOf(candidate: Candidate): string {
  return candidate.kind === 'int' ? `${candidateName(candidate)}@${candidate.convention}` : candidateName(candidate);
}
