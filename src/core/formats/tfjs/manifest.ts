import { FormatError } from '../../errors';
import { checkShape, isRecord, jsonSnippet, metadataJson } from '../jsonText';

const FORMAT = 'tfjs';
/** Same rank limit as the other readers: more is a broken or hostile manifest. */
export const MAX_NDIMS = 64;
/** Far beyond real models (a large graph model has a few thousand weights); bounds a hostile manifest. */
export const MAX_WEIGHTS = 1_000_000;

/** Weight dtypes tfjs writes. // tfjs-core src/io/types.ts DTYPE_VALUE_SIZE_MAP */
export const TFJS_DTYPE_BYTES = { float32: 4, int32: 4, bool: 1, complex64: 8, string: 0 } as const;
export type TfjsDType = keyof typeof TFJS_DTYPE_BYTES;
/** Storage of quantized weights. // tfjs-core src/io/io_utils.ts decodeWeight */
export const TFJS_QUANT_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;
export type TfjsQuantDType = keyof typeof TFJS_QUANT_BYTES;

export interface TfjsQuantization {
  readonly dtype: TfjsQuantDType;
  /** Set for uint8/uint16: value = stored * scale + min. */
  readonly scale?: number;
  readonly min?: number;
}

export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly numel: number;
  readonly dtype: TfjsDType;
  readonly quantization?: TfjsQuantization;
}

export interface TfjsGroup {
  /** Shard file names, relative to the manifest's folder. */
  readonly paths: readonly unknown[];
  readonly weights: readonly TfjsWeightSpec[];
}

export interface TfjsManifest {
  readonly groups: readonly TfjsGroup[];
  readonly metadata: Record<string, unknown>;
}

/** model.json keys worth showing; modelTopology is the graph itself and far too big. // tfjs-core ModelJSON */
const MODEL_JSON_INFO_KEYS = ['format', 'generatedBy', 'convertedBy', 'userDefinedMetadata'] as const;

/** A model.json (`{weightsManifest: [...]}`) or a bare weights manifest (`[...]`). */
export function parseManifest(root: unknown): TfjsManifest {
  let groups: unknown;
  const metadata: Record<string, unknown> = {};
  if (Array.isArray(root)) {
    groups = root;
  } else if (isRecord(root)) {
    groups = root['weightsManifest'];
    if (!Array.isArray(groups)) throw new FormatError(FORMAT, 'model.json has no weightsManifest array', 0);
    for (const k of MODEL_JSON_INFO_KEYS) if (root[k] !== undefined) metadata[k] = metadataJson(root[k], FORMAT, `model.json ${k}`, 0);
  } else {
    throw new FormatError(FORMAT, 'manifest is neither a model.json object nor a weights manifest array', 0);
  }
  const names = new Set<string>();
  const parsed = (groups as unknown[]).map((g, i) => parseGroup(g, `weightsManifest[${i}]`));
  for (const g of parsed) {
    for (const w of g.weights) {
      if (names.has(w.name)) throw new FormatError(FORMAT, `weight '${w.name}' is declared twice`, 0);
      names.add(w.name);
      if (names.size > MAX_WEIGHTS) throw new FormatError(FORMAT, `more than ${MAX_WEIGHTS} weights`, 0);
    }
  }
  return { groups: parsed, metadata };
}

function parseGroup(value: unknown, what: string): TfjsGroup {
  if (!isRecord(value)) throw new FormatError(FORMAT, `${what} is not an object`, 0);
  const paths = value['paths'];
  const weights = value['weights'];
  if (!Array.isArray(paths)) throw new FormatError(FORMAT, `${what}.paths is not an array`, 0);
  if (!Array.isArray(weights)) throw new FormatError(FORMAT, `${what}.weights is not an array`, 0);
  if (weights.length > MAX_WEIGHTS) throw new FormatError(FORMAT, `${what}: more than ${MAX_WEIGHTS} weights`, 0);
  return { paths, weights: weights.map((w, j) => parseWeight(w, `${what}.weights[${j}]`)) };
}

function parseWeight(value: unknown, where: string): TfjsWeightSpec {
  if (!isRecord(value)) throw new FormatError(FORMAT, `${where} is not an object`, 0);
  const name = value['name'];
  if (typeof name !== 'string') throw new FormatError(FORMAT, `${where}.name is not a string`, 0);
  const what = `weight '${name}'`;
  const dtype = value['dtype'];
  if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(TFJS_DTYPE_BYTES, dtype)) {
    throw new FormatError(FORMAT, `${what}: unknown dtype ${jsonSnippet(dtype)}`, 0);
  }
  const { shape, numel } = checkShape(value['shape'], MAX_NDIMS, FORMAT, what, 0);
  const spec = { name, shape, numel, dtype: dtype as TfjsDType };
  const q = value['quantization'];
  return q === undefined ? spec : { ...spec, quantization: parseQuantization(q, spec.dtype, what) };
}

/** The checks tfjs's decodeWeight makes before it trusts a quantization entry. // tfjs-core src/io/io_utils.ts */
function parseQuantization(value: unknown, dtype: TfjsDType, what: string): TfjsQuantization {
  if (!isRecord(value)) throw new FormatError(FORMAT, `${what}: quantization is not an object`, 0);
  const qdtype = value['dtype'];
  if (typeof qdtype !== 'string' || !Object.prototype.hasOwnProperty.call(TFJS_QUANT_BYTES, qdtype)) {
    throw new FormatError(FORMAT, `${what}: unknown quantization dtype ${jsonSnippet(qdtype)} (tfjs knows uint8, uint16, float16)`, 0);
  }
  if (qdtype === 'float16') {
    if (dtype !== 'float32') throw new FormatError(FORMAT, `${what}: float16 quantization of a ${dtype} weight (tfjs allows float32 only)`, 0);
    return { dtype: 'float16' };
  }
  if (dtype !== 'float32' && dtype !== 'int32') throw new FormatError(FORMAT, `${what}: ${qdtype} quantization of a ${dtype} weight (tfjs allows float32 and int32)`, 0);
  const scale = value['scale'];
  const min = value['min'];
  if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
    throw new FormatError(FORMAT, `${what}: ${qdtype} quantization needs finite numbers scale and min`, 0);
  }
  return { dtype: qdtype as 'uint8' | 'uint16', scale, min };
}
