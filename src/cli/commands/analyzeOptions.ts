import { UsageError } from '../../core/errors';
import { formatForFile, type ReportFormat } from '../../core/report/formats';
import type { AnalysisOptions } from '../../shared/analysisTypes';
import { expandSelection } from '../../shared/schemeSelection';
import { CONVENTIONS, GRANULARITIES, INT_BITS, INT_MODES, MAX_GROUP_SIZE } from '../../shared/vocab/intSchemes';
import { NAMED_FORMATS } from '../../shared/vocab/namedFormats';
import { parseRangeMethod, rangeMethodName, rangeMethodProblem } from '../../shared/vocab/rangeMethods';

/** Histogram bins: enough for a smooth chart, small enough to ship one per result. */
const MIN_BINS = 2;
const MAX_BINS = 4096;
const DEFAULT_BINS = 128;
/** More threads than this cannot help a memory-bound scan on any machine QuantLens targets. */
const MAX_THREADS = 64;

/** The raw flag values of `analyze` (strings as typed; absent flags undefined). */
export interface AnalyzeFlags {
  readonly bits?: string;
  readonly mode?: string;
  readonly granularity?: string;
  readonly 'group-size'?: string;
  readonly axis?: string;
  readonly range?: string;
  readonly convention?: string;
  readonly formats?: string;
  readonly tensors?: string;
  readonly threads?: string;
  readonly bins?: string;
  readonly out?: string;
  /** `--histograms` (or `--html`, whose page draws them): histograms and error percentiles too. */
  readonly histograms: boolean;
  /** Which report-format flags were given (`--json`, `--csv`, ...). */
  readonly reportFlags: readonly ReportFormat[];
}

export interface AnalyzeRequest {
  readonly options: AnalysisOptions;
  readonly tensors: string | undefined;
  readonly threads: number | undefined;
  /** undefined: the terminal table. */
  readonly format: ReportFormat | undefined;
  readonly out: string | undefined;
}

/** Validates every flag (a bad value is a UsageError naming the flag) and builds the scheme list. */
export function parseAnalyzeFlags(flags: AnalyzeFlags): AnalyzeRequest {
  const bits = unique(list(flags.bits ?? '8,4', '--bits').map((b) => integer(b, '--bits', INT_BITS.min, INT_BITS.max)));
  const modes = unique(list(flags.mode ?? 'symmetric,asymmetric', '--mode').map((m) => oneOf(m, INT_MODES, '--mode')));
  const granularities = unique(list(flags.granularity ?? 'tensor', '--granularity').map((g) => oneOf(g, GRANULARITIES, '--granularity')));
  const groupSize = integer(flags['group-size'] ?? '128', '--group-size', 1, MAX_GROUP_SIZE);
  const axis = integer(flags.axis ?? '0', '--axis', 0, Number.MAX_SAFE_INTEGER);
  const ranges = unique(list(flags.range ?? 'minmax', '--range').map(rangeMethod));
  const convention = oneOf(flags.convention ?? 'lecture', CONVENTIONS, '--convention');
  const formats = flags.formats === undefined ? [] : unique(list(flags.formats, '--formats').map((f) => oneOf(f, NAMED_FORMATS, '--formats')));
  const histogramBins = integer(flags.bins ?? String(DEFAULT_BINS), '--bins', MIN_BINS, MAX_BINS);
  // Histograms and error percentiles cost a scatter per element: computed when asked for (--bins asks too).
  const tableOnly = !flags.histograms && flags.bins === undefined;
  const threads = flags.threads === undefined ? undefined : integer(flags.threads, '--threads', 1, MAX_THREADS);
  if (flags.tensors !== undefined) validRegex(flags.tensors);

  const expansion = expandSelection({ bits, modes, granularities, groupSize, ranges, convention, formats, axis });
  if (!expansion.ok) throw new UsageError(expansion.problem);
  const options: AnalysisOptions = { schemes: expansion.schemes, histogramBins, ...(tableOnly ? { tableOnly } : {}) };
  return { options, tensors: flags.tensors, threads, format: reportFormat(flags), out: flags.out };
}

function reportFormat(flags: AnalyzeFlags): ReportFormat | undefined {
  if (flags.reportFlags.length > 1) {
    throw new UsageError(`choose one output format, not ${flags.reportFlags.map((f) => `--${f}`).join(' and ')}`);
  }
  return flags.reportFlags[0] ?? (flags.out === undefined ? undefined : formatForFile(flags.out));
}

/** Comma- (or space-) separated values; empty items are an error, not silently dropped. */
function list(text: string, flag: string): string[] {
  const items = text.trim().split(/\s*,\s*|\s+/);
  if (items.some((s) => s === '')) throw new UsageError(`${flag}: expected a comma-separated list, got '${text}'`);
  return items;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function integer(text: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bound = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min}..${max}`;
    throw new UsageError(`${flag}: expected an integer ${bound}, got '${text}'`);
  }
  return n;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], flag: string): T {
  const found = allowed.find((a) => a === text.toLowerCase());
  if (!found) throw new UsageError(`${flag}: unknown value '${text}' (expected one of: ${allowed.join(', ')})`);
  return found;
}

/** One of the range-method grammar (shared/vocab/rangeMethods.ts), in its canonical spelling. */
function rangeMethod(text: string): string {
  const method = parseRangeMethod(text);
  if (!method) throw new UsageError(`--range: ${rangeMethodProblem(text)}`);
  return rangeMethodName(method);
}

function validRegex(text: string): void {
  try {
    new RegExp(text);
  } catch (e) {
    throw new UsageError(`--tensors: invalid regular expression: ${(e as Error).message}`);
  }
}
