import { parseArgs } from 'node:util';
import { fuzzTarget, type TargetReport } from './campaign';
import { loadFinding } from './findings';
import { describeOutcome } from './outcome';
import { DEFAULT_TIMEOUT_MS, Sandbox } from './sandbox';
import { TARGETS, type Target } from './targets';

/**
 * npm run fuzz [-- --minutes N] [--target a,b] [--seed S] [--jobs K]   the campaign, split evenly over the targets
 * npm run fuzz -- --smoke                                               the deterministic run of npm test
 * npm run fuzz -- --replay test/fuzz/findings/<folder>...               runs saved findings again
 */
const DEFAULT_MINUTES = 5;
/** The deterministic run: fixed seed, fixed number of inputs per target (about a minute in all). */
const SMOKE_SEED = 12;
const SMOKE_INPUTS = 600;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      minutes: { type: 'string' },
      target: { type: 'string' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      smoke: { type: 'boolean' },
      replay: { type: 'boolean' },
      'no-save': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (values.replay) return replay(positionals);
  const names = values.target?.split(',');
  const unknown = names?.filter((n) => !TARGETS.some((t) => t.name === n)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  const targets = TARGETS.filter((t) => !names || names.includes(t.name));
  const smoke = values.smoke === true;
  const seed = values.seed !== undefined ? Number(values.seed) : smoke ? SMOKE_SEED : Date.now() % 2 ** 31;
  const minutes = Number(values.minutes ?? DEFAULT_MINUTES);
  const jobs = Math.max(1, Number(values.jobs ?? 1));
  // With K jobs, K targets run at once, so each target gets K shares of the wall-clock budget.
  const budgetMs = smoke ? undefined : (minutes * 60_000 * jobs) / targets.length;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(smoke
    ? `fuzz (deterministic): ${targets.length} targets x ${SMOKE_INPUTS} inputs, seed ${seed}`
    : `fuzz: ${targets.length} targets, ${minutes} min (${(budgetMs! / 1000).toFixed(0)} s per target, ${jobs} at a time), seed ${seed}`);
  const options = {
    seed,
    ...(smoke ? { maxInputs: SMOKE_INPUTS } : { budgetMs: budgetMs! }),
    shrinkMs: 30_000,
    minimizeMs: 30_000,
    save: values['no-save'] !== true,
    log,
  };
  const queue = targets.slice();
  const reports: TargetReport[] = [];
  const worker = async () => {
    const sandbox = new Sandbox(DEFAULT_TIMEOUT_MS);
    try {
      for (let t: Target | undefined; (t = queue.shift()); ) {
        const report = await fuzzTarget(t, sandbox, options);
        reports.push(report);
        log(summaryLine(report));
      }
    } finally {
      await sandbox.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, targets.length) }, worker));
  reports.sort((a, b) => targets.findIndex((t) => t.name === a.target) - targets.findIndex((t) => t.name === b.target));
  log(`\n${table(reports)}`);
  const bugs = reports.flatMap((r) => r.bugs);
  for (const b of bugs) log(`\n${b.signature} (${b.hits} inputs)\n  ${describeOutcome(b.outcome).split('\n').join('\n  ')}\n  ${b.folder ?? ''}`);
  log(`\n${bugs.length} finding(s)`);
  return bugs.length === 0 ? 0 : 1;
}

function summaryLine(r: TargetReport): string {
  return `${r.target}: ${r.inputs} inputs in ${(r.elapsedMs / 1000).toFixed(1)} s (${rate(r)}/s), ${r.bugs.length} finding(s)`;
}

function rate(r: TargetReport): string {
  return (r.inputs / Math.max(0.001, r.elapsedMs / 1000)).toFixed(0);
}

function table(reports: readonly TargetReport[]): string {
  const head = ['target', 'inputs', 'inputs/s', 'opened', 'refused', 'slow', 'findings', 'corpus'];
  const rows = reports.map((r) => [r.target, String(r.inputs), rate(r), String(r.opened), String(r.refused), String(r.slow), String(r.bugs.length), String(r.corpus)]);
  const widths = head.map((h, i) => rows.reduce((w, row) => Math.max(w, row[i]!.length), h.length));
  return [head, ...rows].map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

async function replay(folders: readonly string[]): Promise<number> {
  const sandbox = new Sandbox(DEFAULT_TIMEOUT_MS);
  let failing = 0;
  try {
    for (const folder of folders) {
      const { finding, files } = loadFinding(folder);
      const target = TARGETS.find((t) => t.name === finding.target);
      if (!target) throw new Error(`${folder}: unknown target ${finding.target}`);
      const outcome = await sandbox.run(target.kind, files);
      if (outcome.kind !== 'opened' && outcome.kind !== 'refused') failing++;
      process.stdout.write(`${folder}: ${describeOutcome(outcome)}\n`);
    }
  } finally {
    await sandbox.close();
  }
  return failing === 0 ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { process.stderr.write(`fuzz: ${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 2; },
);
