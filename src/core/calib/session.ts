/** One onnxruntime-web session over model bytes, with its inputs and outputs described. */
import { FormatError } from '../errors';
import { loadOrt, type Ort } from './ort';

export type OrtTensor = InstanceType<Ort['Tensor']>;
export type Feeds = Record<string, OrtTensor>;

/** A model input or output as onnxruntime reports it: symbolic dims as strings ('' when unnamed). */
export interface ValueDescription {
  readonly name: string;
  /** onnxruntime type name: float32, int64, bool, ... */
  readonly type: string;
  /** null when the model declares no shape. */
  readonly shape: readonly (number | string)[] | null;
}

export interface SessionOptions {
  /** Compare tapped and plain runs at the same level: taps block some fusions (onnx-runtime.md). */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly threads?: number;
}

/** onnxruntime's errors are multi-line C++ messages; keep the line that says what went wrong. */
export function ortMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return (lines.find((l) => /error|fail|invalid|mismatch|does not|not /i.test(l)) ?? lines[0] ?? 'onnxruntime failed').slice(0, 400);
}

/** onnxruntime logSeverityLevel: 0 verbose ... 3 error, 4 fatal. */
const LOG_ERRORS_ONLY = 3;

export class ModelSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Awaited<ReturnType<Ort['InferenceSession']['create']>>,
    readonly inputs: readonly ValueDescription[],
    readonly outputs: readonly ValueDescription[],
  ) {}

  static async create(bytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
    const ort = loadOrt(options.threads);
    let session;
    try {
      // Severity 3 (error): warnings such as unused initializers of inlined branches are noise here.
      session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: options.optimization ?? 'all', logSeverityLevel: LOG_ERRORS_ONLY });
    } catch (e) {
      throw new FormatError('onnx', `onnxruntime cannot load the model: ${ortMessage(e)}`);
    }
    const describe = (names: readonly string[], meta: readonly unknown[]): ValueDescription[] =>
      names.map((name, i) => describeValue(name, meta[i]));
    return new ModelSession(ort, session, describe(session.inputNames, session.inputMetadata), describe(session.outputNames, session.outputMetadata));
  }

  tensor(type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
  tensor(type: string, data: ArrayBufferView, dims: readonly number[]): OrtTensor;
  tensor(type: string, data: ArrayBufferView, dims: readonly number[]): OrtTensor {
    return new this.ort.Tensor(type as 'float32', data as Float32Array, dims);
  }

  /** Runs the model; fetches `names` (default: every output). */
  async run(feeds: Feeds, names?: readonly string[]): Promise<Feeds> {
    try {
      return (await (names ? this.session.run(feeds, [...names]) : this.session.run(feeds))) as Feeds;
    } catch (e) {
      throw new FormatError('onnxruntime', ortMessage(e));
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function describeValue(name: string, meta: unknown): ValueDescription {
  const m = (meta ?? {}) as { isTensor?: boolean; type?: string; shape?: readonly (number | string)[] };
  if (m.isTensor === false) return { name, type: 'non-tensor', shape: null };
  return { name, type: m.type ?? 'unknown', shape: m.shape ? m.shape.map(dimOf) : null };
}

/** onnxruntime-web reports an unnamed symbolic dim as 2^32 - 1 (-1 as uint32). */
const MAX_STATIC_DIM = 2 ** 31 - 1;

function dimOf(d: number | string): number | string {
  return typeof d === 'number' && (d < 0 || d > MAX_STATIC_DIM) ? '' : d;
}
