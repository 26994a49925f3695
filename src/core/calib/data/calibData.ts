/**
 * Calibration inputs for a model: each model input is fed from a data array (sliced along axis 0
 * into batches, or whole on every run when it has no sample axis, like Silero's `sr`) or from
 * seeded synthetic values. Names, dtypes and shapes are checked against the model first, so bad
 * data fails in one line before anything runs.
 */
import type { CalibDataSpec, InputSource } from '../../../shared/calibTypes';
import { FormatError, UsageError } from '../../errors';
import { product, type Values } from '../../tensor';
import type { ValueDescription } from '../session';
import { DATA_FORMAT, openDataFiles, type DataArray, type DataFiles } from './dataArrays';
import { dtypeForOrtType, isFloatOrtType } from './ortTypes';
import { Prng } from './prng';

/** Synthetic runs without `--samples`: enough batches for stable ranges, quick on small models. */
export const DEFAULT_SYNTHETIC_SAMPLES = 128;
/** Key tried for a one-input model when an .npz holds several arrays (CLI.md: `--input-key`, default `x`). */
export const DEFAULT_INPUT_KEY = 'x';

export interface FeedValue {
  readonly type: string;
  readonly data: Values;
  readonly dims: readonly number[];
}

export interface Batch {
  /** Samples in this batch (for progress and counting). */
  readonly rows: number;
  readonly feeds: Readonly<Record<string, FeedValue>>;
}

export interface CalibData {
  readonly samples: number;
  readonly inputs: readonly InputSource[];
  batches(batch: number): AsyncGenerator<Batch>;
  /** The data file's arrays (labels live there too). */
  readonly arrays: readonly DataArray[];
  close(): Promise<void>;
}

type Dim = number | string;

interface Feeder {
  readonly input: ValueDescription;
  readonly source: string;
  /** Samples this feeder has (null: unbounded, synthetic or constant). */
  readonly rows: number | null;
  /** Rows every run must have (a fixed batch dimension), null when free. */
  readonly fixedRows: number | null;
  /** Per-sample shape (batched, synthetic) or the whole shape (constant). */
  readonly shape: readonly number[];
  readonly batched: boolean;
  feed(start: number, rows: number): Promise<FeedValue>;
}

export async function openCalibData(spec: CalibDataSpec, inputs: readonly ValueDescription[]): Promise<CalibData> {
  if (spec.path === null && spec.synthetic === null) throw new UsageError('no calibration data: give --data FILE or --synthetic normal|uniform');
  const unnamedShape = inputs.length === 1 ? inputs[0]!.shape : null;
  const files: DataFiles | null = spec.path === null ? null : await openDataFiles(spec.path, unnamedShape ? unnamedShape.length - 1 : null);
  try {
    const arrays = files?.arrays ?? [];
    const chosen = chooseArrays(spec, inputs, arrays);
    const bindings = new Map<string, number>();
    const feeders: Feeder[] = [];
    for (const input of inputs) {
      const array = chosen.get(input.name);
      if (array) feeders.push(arrayFeeder(input, array, bindings));
    }
    bindOverrides(inputs, spec.shapes, bindings);
    const prng = new Prng(spec.seed);
    for (const input of inputs) {
      if (chosen.has(input.name)) continue;
      if (spec.synthetic === null || !isFloatOrtType(input.type)) {
        const why = spec.synthetic === null ? `${spec.path ?? 'the data'} has no array for it` : 'synthetic data covers float32 inputs only: give it in an .npz with --data';
        throw new FormatError(DATA_FORMAT, `model input '${input.name}' (${input.type} [${shapeText(input.shape)}]): ${why}`);
      }
      feeders.push(syntheticFeeder(input, spec, bindings, prng));
    }
    const limits = feeders.map((f) => f.rows).filter((r): r is number => r !== null);
    const available = limits.length > 0 ? limits.reduce((a, b) => Math.min(a, b)) : (spec.samples ?? DEFAULT_SYNTHETIC_SAMPLES);
    const samples = spec.samples === null ? available : Math.min(available, spec.samples);
    if (samples <= 0) throw new FormatError(DATA_FORMAT, `${spec.path ?? 'the data'} holds no samples`);
    const fixed = [...new Set(feeders.map((f) => f.fixedRows).filter((r): r is number => r !== null))];
    if (fixed.length > 1) throw new FormatError(DATA_FORMAT, `the inputs fix different batch sizes (${fixed.join(', ')})`);
    const inputsOut: InputSource[] = feeders.map((f) => ({ name: f.input.name, type: f.input.type, shape: f.shape, source: f.source }));
    return {
      samples,
      inputs: inputsOut,
      arrays,
      batches: (batch) => batchesOf(feeders, samples, fixed[0] ?? batch),
      close: async () => { await files?.close(); },
    };
  } catch (e) {
    await files?.close();
    throw e;
  }
}

async function* batchesOf(feeders: readonly Feeder[], samples: number, batch: number): AsyncGenerator<Batch> {
  for (let start = 0; start < samples; start += batch) {
    const rows = Math.min(batch, samples - start);
    const feeds: Record<string, FeedValue> = {};
    for (const f of feeders) feeds[f.input.name] = await f.feed(start, rows);
    yield { rows, feeds };
  }
}

/** Which data array feeds which input: same name first; a one-input model takes --input-key, the only array, or `x`. */
function chooseArrays(given: CalibDataSpec, inputs: readonly ValueDescription[], arrays: readonly DataArray[]): Map<string, DataArray> {
  // An .npy holds one array: --input-key names arrays of an .npz.
  const spec = /\.npy$/i.test(given.path ?? '') ? { ...given, inputKey: null } : given;
  const chosen = new Map<string, DataArray>();
  for (const input of inputs) {
    const same = arrays.find((a) => a.name === input.name);
    if (same && spec.inputKey === null) chosen.set(input.name, same);
  }
  if (arrays.length === 0 || chosen.size > 0) return chosen;
  const names = arrays.map((a) => a.name);
  if (spec.inputKey !== null) {
    const keyed = arrays.find((a) => a.name === spec.inputKey);
    if (!keyed) throw new UsageError(`${spec.path}: no array '${spec.inputKey}' (it holds ${names.join(', ')})`);
    if (inputs.length !== 1) throw new UsageError(`--input-key feeds a one-input model; this one has ${inputs.map((i) => i.name).join(', ')}: name the arrays after the inputs`);
    chosen.set(inputs[0]!.name, keyed);
    return chosen;
  }
  if (inputs.length !== 1) {
    if (spec.synthetic !== null) return chosen;
    throw new FormatError(DATA_FORMAT, `${spec.path} holds ${names.join(', ')}, but the model's inputs are ${inputs.map((i) => i.name).join(', ')}: name the arrays after the inputs`);
  }
  const only = arrays.length === 1 ? arrays[0] : arrays.find((a) => a.name === DEFAULT_INPUT_KEY);
  if (!only) throw new UsageError(`${spec.path} holds ${names.join(', ')}: say which feeds '${inputs[0]!.name}' with --input-key`);
  chosen.set(inputs[0]!.name, only);
  return chosen;
}

function shapeText(shape: readonly Dim[] | null): string {
  return shape === null ? '?' : shape.map((d) => (d === '' ? '?' : String(d))).join(', ');
}

function arrayFeeder(input: ValueDescription, array: DataArray, bindings: Map<string, number>): Feeder {
  const want = dtypeForOrtType(input.type);
  if (want === null) throw new FormatError(DATA_FORMAT, `model input '${input.name}' is ${input.type}, which calibration data cannot feed`);
  if (array.dtype !== want) {
    throw new FormatError(DATA_FORMAT, `${array.label} is ${array.dtype}, but model input '${input.name}' wants ${input.type} (${want}): convert it, e.g. numpy .astype`);
  }
  const modelShape = input.shape;
  const rank = array.shape.length;
  const batched = modelShape === null ? rank > 0 : rank === modelShape.length && rank > 0;
  if (modelShape !== null && rank !== modelShape.length) {
    throw new FormatError(DATA_FORMAT, `${array.label} has shape [${array.shape.join(', ')}], model input '${input.name}' wants [${shapeText(modelShape)}]`);
  }
  const fixedDim0 = modelShape !== null && typeof modelShape[0] === 'number' ? modelShape[0] : null;
  // A fixed leading dim that the data does not repeat is not a batch axis: feed the array whole.
  const constant = !batched || (fixedDim0 !== null && fixedDim0 === array.shape[0] && rank === 1);
  if (modelShape !== null) {
    modelShape.forEach((d, i) => {
      const have = array.shape[i]!;
      if (i === 0 && !constant) return;
      if (typeof d === 'number' && d !== have) {
        throw new FormatError(DATA_FORMAT, `${array.label} has shape [${array.shape.join(', ')}], model input '${input.name}' wants [${shapeText(modelShape)}]`);
      }
      if (typeof d === 'string' && d !== '') bindings.set(d, have);
    });
  }
  const shape = constant ? array.shape : array.shape.slice(1);
  const float = isFloatOrtType(input.type);
  if (constant) {
    let cached: Promise<FeedValue> | null = null;
    return {
      input, source: array.label, rows: null, fixedRows: null, shape, batched: false,
      feed: () => (cached ??= array.readRows(0, array.shape[0] ?? 1).then((data) => checked(array, data, float, 0, [...array.shape]))),
    };
  }
  return {
    input, source: array.label, rows: array.shape[0]!, fixedRows: fixedDim0, shape, batched: true,
    feed: async (start, rows) => checked(array, await array.readRows(start, rows), float, start, [rows, ...shape]),
  };
}

/** NaN or infinite inputs would poison every range: refuse them, naming the first sample that holds one. */
function checked(array: DataArray, data: Values, float: boolean, start: number, dims: number[]): FeedValue {
  if (float) {
    const rowSize = Math.max(1, product(dims.slice(1)));
    const values = data as Float32Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) throw new FormatError(DATA_FORMAT, `${array.label}: sample ${start + Math.floor(i / rowSize)} holds ${Number.isNaN(v) ? 'NaN' : 'an infinity'}; calibration data must be finite`);
    }
  }
  return { type: float ? 'float32' : dtypeOrtName(array), data, dims };
}

function dtypeOrtName(array: DataArray): string {
  const names: Record<string, string> = { F64: 'float64', I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8', U64: 'uint64', U32: 'uint32', U16: 'uint16', U8: 'uint8', BOOL: 'bool' };
  return names[array.dtype] ?? 'float32';
}

/** Symbolic dims that a --shape names (e.g. Silero's `batch`) take the same value in every input. */
function bindOverrides(inputs: readonly ValueDescription[], shapes: CalibDataSpec['shapes'], bindings: Map<string, number>): void {
  for (const input of inputs) {
    const override = shapes[input.name];
    if (!override || input.shape === null) continue;
    input.shape.forEach((d, i) => {
      if (typeof d === 'string' && d !== '' && override[i] !== undefined && !bindings.has(d)) bindings.set(d, override[i]!);
    });
  }
}

function syntheticFeeder(input: ValueDescription, spec: CalibDataSpec, bindings: ReadonlyMap<string, number>, prng: Prng): Feeder {
  const kind = spec.synthetic!;
  const override = spec.shapes[input.name];
  const source = `synthetic ${kind} (seed ${spec.seed})`;
  const draw = (n: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = kind === 'normal' ? prng.normal() : prng.next();
    return out;
  };
  if (override) {
    if (input.shape !== null && (override.length !== input.shape.length || override.some((d, i) => typeof input.shape![i] === 'number' && input.shape![i] !== d))) {
      throw new UsageError(`--shape ${input.name}: [${override.join(', ')}] does not fit the model's [${shapeText(input.shape)}]`);
    }
    const dims = [...override];
    // The first dim counts samples only where the model leaves it open.
    const sampleAxis = input.shape === null || (input.shape.length > 0 && typeof input.shape[0] !== 'number');
    return { input, source, rows: null, fixedRows: sampleAxis ? dims[0] ?? 1 : null, shape: dims, batched: false, feed: async () => ({ type: 'float32', data: draw(product(dims)), dims }) };
  }
  if (input.shape === null) throw new UsageError(`model input '${input.name}' declares no shape: give one with --shape ${input.name}:D0xD1...`);
  const modelShape = input.shape;
  const leading = modelShape[0];
  const batchedAxis = modelShape.length > 0 && typeof leading !== 'number';
  const rest = (batchedAxis ? modelShape.slice(1) : modelShape).map((d) => (typeof d === 'number' ? d : bindings.get(d) ?? 1));
  if (!batchedAxis) {
    return { input, source, rows: null, fixedRows: null, shape: rest, batched: false, feed: async () => ({ type: 'float32', data: draw(product(rest)), dims: rest }) };
  }
  return {
    input, source, rows: null, fixedRows: null, shape: rest, batched: true,
    feed: async (_start, rows) => ({ type: 'float32', data: draw(rows * product(rest)), dims: [rows, ...rest] }),
  };
}
