import type {
  AnalysisOptions, AnalysisProgress, AnalysisReport, ModelSummary, SkippedTensor, TensorResult, TensorSummary,
} from '../../shared/analysisTypes';
import { isPlainDType, PLAIN_DTYPES } from '../../shared/vocab/dtypes';
import { CancelledError, UsageError } from '../errors';
import { QUANTLENS_VERSION } from '../version';

/** Which tensors an analysis covers, in the order they are handed out. */
export interface AnalysisPlan {
  /** Tensors to analyse, largest first: the big ones start early, so no thread is left with one at the end. */
  readonly work: readonly TensorSummary[];
  /** Matching tensors that cannot be analysed, in file order, with the reason. */
  readonly skipped: readonly SkippedTensor[];
  readonly elementsTotal: number;
  /** Position of each analysed tensor in the model, so results come back in file order. */
  readonly fileOrder: ReadonlyMap<string, number>;
}

/** Splits a model's tensors into work and skipped; `filter` is a regex on names (CLI `--tensors`). */
export function planAnalysis(tensors: readonly TensorSummary[], filter?: string): AnalysisPlan {
  const matcher = compileFilter(filter);
  const matching = tensors.filter((t) => matcher.test(t.name));
  if (matching.length === 0 && filter !== undefined) {
    const some = tensors.slice(0, 3).map((t) => t.name).join(', ');
    throw new UsageError(`no tensor name matches /${filter}/ (${tensors.length} tensors, e.g. ${some})`);
  }
  const work: TensorSummary[] = [];
  const skipped: SkippedTensor[] = [];
  for (const t of matching) {
    const reason = skipReason(t);
    if (reason) skipped.push({ name: t.name, dtype: t.dtype, reason });
    else work.push(t);
  }
  const fileOrder = new Map(work.map((t, i) => [t.name, i]));
  work.sort((a, b) => b.numel - a.numel);
  return { work, skipped, elementsTotal: work.reduce((n, t) => n + t.numel, 0), fileOrder };
}

function compileFilter(filter: string | undefined): RegExp {
  if (filter === undefined) return /(?:)/;
  try {
    return new RegExp(filter);
  } catch (e) {
    throw new UsageError(`--tensors: invalid regular expression: ${(e as Error).message}`);
  }
}

/** Why a tensor is not analysed, or null when it is (every float tensor with at least one element). */
export function skipReason(t: Pick<TensorSummary, 'dtype' | 'numel'>): string | null {
  if (isPlainDType(t.dtype)) {
    const kind = PLAIN_DTYPES[t.dtype].kind;
    if (kind === 'int') return 'integer tensor';
    if (kind === 'bool') return 'boolean tensor';
  }
  if (t.numel === 0) return 'no elements';
  return null;
}

/** Analyses one tensor; `onElements` reports the elements of that tensor done so far. */
export type TensorRunner = (tensor: TensorSummary, signal: AbortSignal, onElements: (done: number) => void) => Promise<TensorResult>;

export interface RunHooks {
  onTensor?(r: TensorResult): void;
  onProgress?(p: AnalysisProgress): void;
}

/**
 * Runs the plan with at most `concurrency` tensors in flight. Results come back in the model's
 * order. The first failure (or `signal`) aborts the tensors still running, and is what rejects.
 */
export async function runPlan(
  plan: AnalysisPlan,
  runTensor: TensorRunner,
  concurrency: number,
  hooks: RunHooks,
  signal?: AbortSignal,
): Promise<TensorResult[]> {
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onOuterAbort);
  const results = new Map<string, TensorResult>();
  const doneByTensor = new Map<string, number>();
  let elementsDone = 0;
  let next = 0;
  let failure: unknown = null;

  const report = (): void => hooks.onProgress?.({
    tensorsDone: results.size, tensorsTotal: plan.work.length, elementsDone, elementsTotal: plan.elementsTotal,
  });
  const track = (name: string, done: number): void => {
    elementsDone += done - (doneByTensor.get(name) ?? 0);
    doneByTensor.set(name, done);
    report();
  };

  const lane = async (): Promise<void> => {
    while (next < plan.work.length && !stop.signal.aborted) {
      const tensor = plan.work[next++]!;
      try {
        const result = await runTensor(tensor, stop.signal, (done) => track(tensor.name, Math.min(done, tensor.numel)));
        if (stop.signal.aborted) return;
        results.set(tensor.name, result);
        track(tensor.name, tensor.numel);
        hooks.onTensor?.(result);
      } catch (e) {
        failure ??= e;
        stop.abort();
      }
    }
  };

  try {
    if (signal?.aborted) throw new CancelledError();
    report();
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plan.work.length)) }, lane));
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
  if (signal?.aborted) throw new CancelledError();
  if (failure !== null) throw failure;
  const position = (r: TensorResult): number => plan.fileOrder.get(r.name) ?? 0;
  return [...results.values()].sort((a, b) => position(a) - position(b));
}

/** The report of a finished analysis. */
export function buildReport(
  model: ModelSummary,
  options: AnalysisOptions,
  tensors: readonly TensorResult[],
  skipped: readonly SkippedTensor[],
): AnalysisReport {
  const first = options.schemes.find((s) => s.kind === 'int');
  return {
    file: model.file,
    format: model.format,
    convention: first?.kind === 'int' ? first.convention : 'lecture',
    quantlensVersion: QUANTLENS_VERSION,
    options,
    tensors,
    skipped,
  };
}
