import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../core/errors';
import { REPORT_FORMATS, REPORT_FORMAT_NAMES, type ReportFormat } from '../../core/report/formats';
import { renderHtml } from '../../core/report/html';
import { renderTable } from '../../core/report/table';
import type { AnalysisReport, ModelSummary } from '../../shared/analysisTypes';
import { AnalysisPool } from '../../worker/host/pool';
import { parseCommandArgs } from '../args';
import type { CliIO, Command } from '../command';
import { ProgressBar } from '../progressBar';
import { parseAnalyzeFlags, type AnalyzeRequest } from './analyzeOptions';
import { estimateText } from './analyzeEstimate';
import { readHtmlAssets, wantsHtml } from './htmlReport';
import { CONVENTIONS, GRANULARITIES, INT_BITS } from '../../shared/vocab/intSchemes';
import { RANGE_METHOD_SYNTAX } from '../../shared/vocab/rangeMethods';

const STRING_FLAGS = [
  'bits', 'mode', 'granularity', 'group-size', 'axis', 'range', 'convention', 'formats', 'tensors', 'threads', 'bins', 'out',
] as const;

/** `--json` comes with every command; the other report formats are flags of analyze. */
const FORMAT_FLAGS = REPORT_FORMAT_NAMES.filter((f) => f !== 'json');

const HELP = `usage: quantlens analyze FILE... [options] [${[...REPORT_FORMAT_NAMES, 'html'].map((f) => `--${f}`).join('|')}] [--out FILE]

  --bits 8,4             integer bit widths (${INT_BITS.min}..${INT_BITS.max})
  --mode symmetric,asymmetric
  --granularity tensor   ${GRANULARITIES.join(', ')} (comma-separated)
  --group-size 128       group length for 'group'
  --axis 0               channel axis for 'channel'
  --range minmax         ${RANGE_METHOD_SYNTAX.join(', ')}
  --convention lecture   ${CONVENTIONS.join(', ')}
  --formats LIST         named formats as well (fp16, bf16, fp8_e4m3, nf4, q8_0, q4_k, ...)
  --tensors REGEX        only tensors whose name matches
  --threads N            worker threads (default: all cores)
  --histograms           histograms and error percentiles (errP50/95/99) too; without it, only
                         the table's figures, at memory speed
  --bins 128             histogram bins (implies --histograms)
  --progressive          first an estimate of every figure from a sample of each tensor, with
                         95 % intervals (in seconds on a 7B model), then the exact table; with
                         --json/--csv/--markdown the estimate goes to stderr and the output is unchanged
  --html                 a self-contained HTML page with the inspector's tables and charts
  --out FILE             write the report to FILE (format from its extension unless a flag says)
`;

export interface AnalyzeDeps {
  /** The built worker entry (dist/worker.js next to dist/cli.js). */
  readonly workerScript: string;
}

/** `quantlens analyze`: quantization error of every float tensor, per layer and per configuration. */
export function createAnalyzeCommand(deps: AnalyzeDeps): Command {
  return {
    name: 'analyze',
    summary: 'per-layer error of INT8/4/2 and named formats',
    usage: 'analyze FILE... [--bits 8,4] [--mode ...] [--json|--csv|--markdown]',
    async run(argv: string[], io: CliIO): Promise<number> {
      const options = Object.fromEntries([
        ...STRING_FLAGS.map((f) => [f, { type: 'string' }] as const),
        ...FORMAT_FLAGS.map((f) => [f, { type: 'boolean' }] as const),
        ['html', { type: 'boolean' }] as const,
        ['histograms', { type: 'boolean' }] as const,
        ['progressive', { type: 'boolean' }] as const,
      ]);
      const parsed = parseCommandArgs(argv, options);
      const values: Readonly<Record<string, unknown>> = parsed.values;
      const positionals = parsed.positionals;
      if (values.help === true) {
        io.stdout.write(HELP);
        return 0;
      }
      if (positionals.length === 0) throw new UsageError('analyze: no FILE given');
      const text = (name: string): string | undefined => {
        const v = values[name];
        return typeof v === 'string' ? v : undefined;
      };
      const reportFlags = REPORT_FORMAT_NAMES.filter((f) => values[f] === true);
      const html = wantsHtml(values.html === true, reportFlags, text('out'));
      const histograms = values.histograms === true || html;
      const request = parseAnalyzeFlags({ ...Object.fromEntries(STRING_FLAGS.map((f) => [f, text(f)])), histograms, reportFlags });
      // One pool for the estimate and the analysis: threads and kernels start once.
      const pool = new AnalysisPool(request.threads === undefined ? { workerScript: deps.workerScript } : { workerScript: deps.workerScript, threads: request.threads });
      let report: Awaited<ReturnType<typeof analyzeWithProgress>>;
      try {
        if (values.progressive === true) await writeEstimates(pool, positionals, request, io);
        report = await analyzeWithProgress(pool, positionals, request, io, html);
      } finally {
        await pool.dispose();
      }
      if (report.summary) {
        const page = renderHtml(report.report, report.summary, await readHtmlAssets(path.dirname(deps.workerScript)));
        await writeText(page, request, io);
        return 0;
      }
      await writeOutput(report.report, report.elapsedMs, request, io);
      return 0;
    },
  };
}

async function analyzeWithProgress(
  pool: AnalysisPool,
  paths: readonly string[],
  request: AnalyzeRequest,
  io: CliIO,
  withSummary: boolean,
): Promise<{ report: AnalysisReport; elapsedMs: number; summary: ModelSummary | null }> {
  const bar = io.stderr.isTTY ? new ProgressBar(io.stderr) : undefined;
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  const started = performance.now();
  try {
    const analyzeOptions = request.tensors === undefined ? request.options : { ...request.options, tensors: request.tensors };
    const report = await pool.analyze(paths, analyzeOptions, { onProgress: (p) => bar?.update(p) }, interrupt.signal);
    // The HTML page lists every tensor (integer ones too), as the panel does.
    return { report, elapsedMs: performance.now() - started, summary: withSummary ? await pool.inspect(paths) : null };
  } finally {
    bar?.clear();
    process.removeListener('SIGINT', onSigint);
  }
}

/** `--progressive`: the estimate table, on stdout before the exact table, or on stderr when stdout carries another format. */
async function writeEstimates(pool: AnalysisPool, paths: readonly string[], request: AnalyzeRequest, io: CliIO): Promise<void> {
  const text = await estimateText(pool, paths, request.options, request.tensors);
  const toStdout = request.format === undefined && request.out === undefined;
  (toStdout ? io.stdout : io.stderr).write(text + (toStdout ? '\n' : ''));
}

async function writeOutput(report: AnalysisReport, elapsedMs: number, request: AnalyzeRequest, io: CliIO): Promise<void> {
  const toFile = request.out !== undefined;
  const text = request.format === undefined
    ? renderTable(report, { color: !toFile && io.stdout.isTTY === true && !process.env.NO_COLOR, elapsedMs })
    : render(request.format, report);
  await writeText(text, request, io);
}

async function writeText(text: string, request: AnalyzeRequest, io: CliIO): Promise<void> {
  if (request.out === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await fs.writeFile(request.out, text);
  } catch (e) {
    throw new UsageError(`--out ${request.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function render(format: ReportFormat, report: AnalysisReport): string {
  return REPORT_FORMATS[format].render(report);
}
