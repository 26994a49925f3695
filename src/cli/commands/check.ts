import { promises as fs } from 'node:fs';
import { checkAnalyze, checkCompare, type AnalyzeReport, type CheckCase, type Thresholds } from '../../core/check/thresholds';
import { junitXml } from '../../core/check/junit';
import { sarifLog } from '../../core/check/sarif';
import type { CompareOutcome } from '../../shared/compareTypes';
import { FormatError, UsageError } from '../../core/errors';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { mappingOf, readPlanFlag, runCompare } from './compare';
import { analyzeForCheck, CHECK_ANALYZE_FLAGS, type CheckAnalyzeFlags } from './checkAnalyze';
import { checkPlan, type PlannedTypes } from '../../core/check/planDeviation';
import { openModel } from '../../core/formats/registry';

const USAGE = 'check (compare REFERENCE CANDIDATE [--map M] | RESULT.json | MODEL [analyze flags]) [--min-sqnr DB] [--max-rel-err X] [--no-nonfinite] [--plan PLAN.json] [--junit FILE] [--sarif FILE]';
const HELP = `usage: quantlens ${USAGE}

A quality gate for CI: exits 3 when a threshold is not met, printing each failure on one line.

  compare REFERENCE CANDIDATE   runs compare (--map as for compare) and checks every pair
  RESULT.json                   checks a saved \`analyze --json\` or \`compare --json\` result
                                (plan-deviation findings of \`compare --plan\` fail too)
  MODEL                         runs analyze (--bits, --mode, --granularity, --group-size, --axis,
                                --range, --convention, --formats, --tensors, --threads as for
                                analyze) and checks every tensor and scheme; with --plan only,
                                checks the stored types
  --min-sqnr DB                 every SQNR at least DB
  --max-rel-err X               every relative Frobenius error ‖x - y‖ / ‖x‖ at most X
  --no-nonfinite                no NaN/Inf (analyze: in the tensor; compare: in the candidate)
  --plan PLAN.json              every tensor stored as the plan says (with compare: the candidate)
  --junit FILE                  also write the checks as JUnit XML
  --sarif FILE                  also write the failures as SARIF 2.1.0
`;

/** CLI.md: a threshold that is not met. */
const EXIT_FAILED = 3;

function threshold(flag: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x)) throw new UsageError(`check: ${flag} must be a number, got '${text}'`);
  return x;
}

function isCompareResult(j: unknown): j is CompareOutcome {
  return typeof j === 'object' && j !== null && Array.isArray((j as { pairs?: unknown }).pairs);
}

function isAnalyzeReport(j: unknown): j is AnalyzeReport {
  return typeof j === 'object' && j !== null && Array.isArray((j as { tensors?: unknown }).tensors) && typeof (j as { file?: unknown }).file === 'string';
}

async function casesOfResultFile(file: string, t: Thresholds): Promise<CheckCase[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`check: ${file}: no such file`);
    throw new FormatError('json', code ?? (e as Error).message.split('\n')[0]!, undefined, file);
  }
  if (isCompareResult(parsed)) return checkCompare(parsed, t);
  if (isAnalyzeReport(parsed)) return checkAnalyze(parsed, t);
  throw new FormatError('json', 'neither an analyze --json nor a compare --json result', undefined, file);
}

/** Saved results are JSON files; anything else is a model. */
const isResultFile = (file: string): boolean => file.toLowerCase().endsWith('.json');

async function casesOfPlan(file: string, plan: PlannedTypes): Promise<CheckCase[]> {
  const model = await openModel([file]);
  try {
    return checkPlan(plan, model);
  } finally {
    await model.close();
  }
}

async function writeOut(flag: string, file: string, text: string): Promise<void> {
  try {
    await fs.writeFile(file, text);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export interface CheckDeps {
  /** The built worker entry that analyze runs in (dist/worker.js next to dist/cli.js). */
  readonly workerScript: string;
}

/** `quantlens check`: compare, a saved result, or a model (analyze and/or --plan) against gates. */
export function createCheckCommand(deps: CheckDeps): Command {
  return {
    name: 'check',
    summary: 'gate compare or analyze results on thresholds, types on a plan (exit 3), JUnit/SARIF for CI',
    usage: USAGE,
    async run(argv, io) {
      const { values: flags, positionals } = parseCommandArgs(argv, {
        'min-sqnr': { type: 'string' },
        'max-rel-err': { type: 'string' },
        'no-nonfinite': { type: 'boolean' },
        junit: { type: 'string' },
        sarif: { type: 'string' },
        map: { type: 'string' },
        plan: { type: 'string' },
        ...Object.fromEntries(CHECK_ANALYZE_FLAGS.map((f) => [f, { type: 'string' }] as const)),
      });
      const analyzeFlags: CheckAnalyzeFlags = Object.fromEntries(CHECK_ANALYZE_FLAGS.flatMap((f) => {
        const v: unknown = (flags as Record<string, unknown>)[f];
        return typeof v === 'string' ? [[f, v]] : [];
      }));
      const analyzing = Object.keys(analyzeFlags).length > 0;
      if (flags.help) {
        io.stdout.write(HELP);
        return 0;
      }
      const t: Thresholds = {
        minSqnrDb: threshold('--min-sqnr', flags['min-sqnr']),
        maxRelErr: threshold('--max-rel-err', flags['max-rel-err']),
        noNonFinite: flags['no-nonfinite'] === true,
      };
      const plan = flags.plan === undefined ? null : await readPlanFlag(flags.plan);
      const gates = t.minSqnrDb !== null || t.maxRelErr !== null || t.noNonFinite;
      if (!gates && plan === null) throw new UsageError('check: give at least one of --min-sqnr, --max-rel-err, --no-nonfinite, --plan');
      let cases: CheckCase[];
      if (positionals[0] === 'compare') {
        if (positionals.length !== 3) throw new UsageError('check compare: give REFERENCE and CANDIDATE');
        if (analyzing) throw new UsageError(`check compare: --${Object.keys(analyzeFlags)[0]} goes with \`check MODEL\` (analyze)`);
        cases = checkCompare(await runCompare(positionals[1]!, positionals[2]!, await mappingOf(flags.map), plan), t);
      } else {
        if (positionals.length !== 1) throw new UsageError('check: give `compare REFERENCE CANDIDATE`, one RESULT.json or one MODEL');
        if (flags.map !== undefined) throw new UsageError('check: --map goes with `check compare`');
        const file = positionals[0]!;
        if (isResultFile(file)) {
          if (plan !== null) throw new UsageError('check: --plan goes with a MODEL or `check compare` (a compare --json result made with --plan holds its deviations)');
          if (analyzing) throw new UsageError(`check: --${Object.keys(analyzeFlags)[0]} goes with a MODEL (a saved result is already analysed)`);
          cases = await casesOfResultFile(file, t);
        } else {
          // A model: analyze it when a threshold is given, check its types when a plan is.
          cases = plan === null ? [] : await casesOfPlan(file, plan);
          if (gates) cases = cases.concat(checkAnalyze(await analyzeForCheck(deps.workerScript, file, analyzeFlags), t));
          else if (analyzing) throw new UsageError('check MODEL: analyze flags need a threshold (--min-sqnr, --max-rel-err or --no-nonfinite)');
        }
      }
      if (flags.junit !== undefined) await writeOut('--junit', flags.junit, junitXml(cases));
      if (flags.sarif !== undefined) await writeOut('--sarif', flags.sarif, `${JSON.stringify(sarifLog(cases), null, 1)}\n`);
      const failed = cases.flatMap((c) => c.failures.map((f) => `FAIL ${c.name}: ${f.message}`));
      for (const line of failed) io.stdout.write(`${line}\n`);
      if (failed.length > 0) return EXIT_FAILED;
      io.stdout.write(`ok: ${cases.length} checked\n`);
      return 0;
    },
  };
}
