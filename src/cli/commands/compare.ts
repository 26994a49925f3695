import { promises as fs } from 'node:fs';
import { compareModels } from '../../core/compare/compareModels';
import type { CompareOutcome, CompareMapping } from '../../shared/compareTypes';
import { UsageError } from '../../core/errors';
import { openForCompare, type ComparedModel } from '../../core/compare/openForCompare';
import { replayableTypes, type ReplayableTypes } from '../../core/compare/exportTypes';
import { parsePlanJson, planDeviations, type PlannedTypes } from '../../core/check/planDeviation';
import { openModel } from '../../core/formats/registry';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';

const USAGE = 'compare REFERENCE CANDIDATE [--map auto|none|FILE] [--plan PLAN.json] [--export-types FILE] [--json]';
const HELP = `usage: quantlens ${USAGE}

Pairs the tensors of an original checkpoint (REFERENCE) with those of a quantized or converted
one (CANDIDATE), dequantizes the candidate and measures the difference in float64.

  --map auto           identical names, then Hugging Face <-> GGUF names (default)
  --map none           identical names only
  --map FILE           a JSON object {"reference name": "candidate name"} first, then as auto
  --plan PLAN.json     a \`quantlens plan --json\` result: a plan-deviation finding per tensor of
                       CANDIDATE whose type differs from the plan
  --export-types FILE  write CANDIDATE's (GGUF) types as a llama-quantize --tensor-type-file
                       that replays them; the base type to pass is printed
  --json               CLI.md's compare JSON
`;

export async function mappingOf(flag: string | undefined): Promise<CompareMapping> {
  if (flag === undefined || flag === 'auto') return { kind: 'auto' };
  if (flag === 'none') return { kind: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(flag, 'utf8'));
  } catch (e) {
    throw new UsageError(`compare: --map ${flag}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new UsageError(`compare: --map ${flag}: not a JSON object of {"reference name": "candidate name"}`);
  }
  return { kind: 'file', map: parsed as Record<string, string> };
}

/** Reads `--plan FILE` (a `quantlens plan --json` result). */
export async function readPlanFlag(flag: string): Promise<PlannedTypes> {
  let text: string;
  try {
    text = await fs.readFile(flag, 'utf8');
  } catch (e) {
    throw new UsageError(`--plan ${flag}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePlanJson(text, flag);
}

/** Opens both files (storages decoded), compares them and, with a plan, adds a plan-deviation finding per differing tensor. */
export async function runCompare(referencePath: string, candidatePath: string, mapping: CompareMapping, plan: PlannedTypes | null = null): Promise<CompareOutcome> {
  const opened: ComparedModel[] = [];
  try {
    opened.push(await openForCompare(referencePath));
    opened.push(await openForCompare(candidatePath));
    const result = await compareModels(opened[0]!.model, opened[1]!.model, mapping, opened[1]!);
    if (plan === null) return result;
    const deviations = planDeviations(plan, opened[1]!.model);
    return { ...result, findings: [...result.findings, ...deviations.map((d) => ({ kind: 'plan-deviation' as const, tensor: d.tensor, message: d.message }))] };
  } finally {
    for (const m of opened) await m.model.close();
  }
}

/** Writes the candidate's types as a replayable --tensor-type-file; returns the line telling how to replay it. */
async function exportTypes(candidatePath: string, file: string): Promise<string> {
  const model = await openModel([candidatePath]);
  let replay: ReplayableTypes;
  try {
    replay = replayableTypes(model);
  } finally {
    await model.close();
  }
  try {
    await fs.writeFile(file, replay.text);
  } catch (e) {
    throw new UsageError(`--export-types ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return `wrote ${file}: llama-quantize --tensor-type-file ${file} SOURCE.gguf OUT.gguf ${replay.baseType}`;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'pair a quantized or converted checkpoint with its original and measure each tensor',
  usage: USAGE,
  async run(argv, io) {
    const { values: flags, positionals } = parseCommandArgs(argv, { map: { type: 'string' }, plan: { type: 'string' }, 'export-types': { type: 'string' } });
    if (flags.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError(`compare: give REFERENCE and CANDIDATE (got ${positionals.length} file(s))`);
    const mapping = await mappingOf(flags.map);
    const plan = flags.plan === undefined ? null : await readPlanFlag(flags.plan);
    const result = await runCompare(positionals[0]!, positionals[1]!, mapping, plan);
    const exported = flags['export-types'] === undefined ? null : await exportTypes(positionals[1]!, flags['export-types']);
    io.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : compareText(result));
    // the replay line goes to stderr with --json so stdout stays one JSON document
    if (exported !== null) (flags.json ? io.stderr : io.stdout).write(`${exported}\n`);
    return 0;
  },
};

const fixed = (x: number | null, digits: number): string => (x === null ? 'exact' : x.toFixed(digits));

function compareText(result: CompareOutcome): string {
  const head = ['reference', 'candidate', 'type', 'transform', 'SQNR dB', 'cosine', 'rel. Frob.'];
  const rows = result.pairs.map((p) => [p.reference, p.candidate, p.candidateStorage ?? p.candidateDtype, p.transform, fixed(p.sqnrDb, 2), p.cosine.toFixed(6), p.relFrobenius === null ? '-' : p.relFrobenius.toExponential(3)]);
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length)); // no Math.max(...rows): a model may have more tensors than a call takes arguments
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [`${result.reference} -> ${result.candidate}: ${result.pairs.length} pairs`];
  for (const f of result.findings) out.push(`! ${f.kind}${f.tensor ? ` ${f.tensor}` : ''}: ${f.message}`);
  out.push('', line(head));
  for (const r of rows) out.push(line(r));
  const { reference, candidate } = result.unpaired;
  if (reference.length > 0) out.push('', `unpaired in the reference: ${reference.join(', ')}`);
  if (candidate.length > 0) out.push('', `unpaired in the candidate: ${candidate.join(', ')}`);
  return `${out.join('\n')}\n`;
}
