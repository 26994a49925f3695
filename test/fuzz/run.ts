import { parseArgs } from 'node:util';
import { brokenMutatorNames, SMOKE_INPUTS, SMOKE_SEED, TargetCampaign, type CampaignOptions, type TargetReport } from './campaign';
import { totalBytes } from './fileSet';
import { loadFinding, saveFinding } from './findings';
import { minimizeBytes } from './minimize';
import { describeOutcome, isFinding, signature, type Finding } from './outcome';
import { DEFAULT_TIMEOUT_MS, Sandbox } from './sandbox';
import { EVEN_SHARE, MIN_INPUTS_PER_TARGET, runSchedule, summaryLine, type Scheduled } from './schedule';
import { TARGETS, type Target } from './targets';

/**
 * npm run fuzz [-- --minutes N] [--target a,b] [--seed S] [--jobs K]   the campaign (how its time is split: schedule.ts)
 * npm run fuzz -- --smoke                                               the deterministic run of npm test
 * npm run fuzz -- --replay test/fuzz/findings/<folder>...               runs saved findings again
 * npm run fuzz -- --minimize test/fuzz/findings/<folder> [--seconds N]  minimizes a saved finding further
 */
const DEFAULT_MINUTES = 5;
const DEFAULT_MINIMIZE_SECONDS = 300;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      minutes: { type: 'string' },
      target: { type: 'string' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      smoke: { type: 'boolean' },
      replay: { type: 'boolean' },
      minimize: { type: 'boolean' },
      seconds: { type: 'string' },
      'no-save': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (values.replay) return replay(positionals);
  if (values.minimize) return minimizeSaved(positionals, Number(values.seconds ?? DEFAULT_MINIMIZE_SECONDS));
  const names = values.target?.split(',');
  const unknown = names?.filter((n) => !TARGETS.some((t) => t.name === n)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  const targets = TARGETS.filter((t) => !names || names.includes(t.name));
  const smoke = values.smoke === true;
  const seed = values.seed !== undefined ? Number(values.seed) : smoke ? SMOKE_SEED : Date.now() % 2 ** 31;
  const minutes = Number(values.minutes ?? DEFAULT_MINUTES);
  const jobs = Math.max(1, Number(values.jobs ?? 1));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const options = { seed, shrinkMs: 30_000, minimizeMs: 30_000, save: values['no-save'] !== true, log };
  let scheduled: Scheduled[];
  if (smoke) {
    log(`fuzz (deterministic): ${targets.length} targets x ${SMOKE_INPUTS} inputs, seed ${seed}`);
    scheduled = await smokeRun(targets, options);
  } else {
    // With K jobs, K targets run at once, so the targets share K times the wall-clock time.
    const evenS = (minutes * 60 * EVEN_SHARE * jobs) / targets.length;
    log(`fuzz: ${targets.length} targets, ${minutes} min, ${jobs} at a time, seed ${seed}: ${evenS.toFixed(0)} s per target first, then the rest `
      + `in slices to the targets furthest below ${MIN_INPUTS_PER_TARGET} inputs (once all are past it, to the one given the least extra time)`);
    scheduled = await runSchedule(targets, options, minutes, jobs);
  }
  const reports = scheduled.map((s) => s.campaign.report);
  log(`\n${table(scheduled)}`);
  const bugs = reports.flatMap((r) => r.bugs);
  for (const b of bugs) log(`\n${b.signature} (${b.hits} inputs)\n  ${describeOutcome(b.outcome).split('\n').join('\n  ')}\n  ${b.folder ?? ''}`);
  log(`\n${bugs.length} finding(s)`);
  const broken = brokenMutatorNames();
  if (broken.length > 0) log(`harness bug: these mutators threw: ${broken.join(', ')}`);
  return bugs.length === 0 && broken.length === 0 ? 0 : 1;
}

/** The deterministic run: each target to SMOKE_INPUTS, one after another. */
async function smokeRun(targets: readonly Target[], options: CampaignOptions): Promise<Scheduled[]> {
  const sandbox = new Sandbox(DEFAULT_TIMEOUT_MS);
  const all: Scheduled[] = [];
  try {
    for (const target of targets) {
      const s: Scheduled = { target, campaign: new TargetCampaign(target, options), evenMs: 0, extraMs: 0 };
      await s.campaign.run(sandbox, { maxInputs: SMOKE_INPUTS });
      all.push(s);
      options.log(summaryLine(s, 'deterministic'));
    }
  } finally {
    await sandbox.close();
  }
  return all;
}

function rate(r: TargetReport): string {
  return (r.inputs / Math.max(0.001, r.elapsedMs / 1000)).toFixed(0);
}

/** Inputs per second of the CPU time they took: what one quiet core would run, whatever the machine's load. */
function cpuRate(r: TargetReport): string {
  return r.cpuMs > 0 ? (r.inputs / (r.cpuMs / 1000)).toFixed(0) : '-';
}

function table(scheduled: readonly Scheduled[]): string {
  const head = ['target', 'inputs', 'inputs/s', 'CPU s', 'inputs/CPU s', 'even s', 'extra s', 'opened', 'refused', 'slow', 'findings', 'corpus', 'ms/input (mutate+run)'];
  const perInput = (ms: number, r: TargetReport) => (ms / Math.max(1, r.inputs)).toFixed(2);
  const rows = scheduled.map(({ campaign: { report: r }, evenMs, extraMs }) => [
    r.target, String(r.inputs), rate(r), (r.cpuMs / 1000).toFixed(1), cpuRate(r), (evenMs / 1000).toFixed(0), (extraMs / 1000).toFixed(0),
    String(r.opened), String(r.refused), String(r.slow), String(r.bugs.length), String(r.corpus), `${perInput(r.mutateMs, r)}+${perInput(r.runMs, r)}`,
  ]);
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
      const outcome = await sandbox.runConfirmed(target.kind, files);
      if (outcome.kind !== 'opened' && outcome.kind !== 'refused') failing++;
      process.stdout.write(`${folder}: ${describeOutcome(outcome)}\n`);
    }
  } finally {
    await sandbox.close();
  }
  return failing === 0 ? 0 : 1;
}

async function minimizeSaved(folders: readonly string[], seconds: number): Promise<number> {
  const sandbox = new Sandbox(DEFAULT_TIMEOUT_MS);
  try {
    for (const folder of folders) {
      const { finding, files } = loadFinding(folder);
      const target = TARGETS.find((t) => t.name === finding.target);
      if (!target) throw new Error(`${folder}: unknown target ${finding.target}`);
      const first = await sandbox.runConfirmed(target.kind, files);
      if (!isFinding(first)) {
        process.stdout.write(`${folder}: no longer fails (${describeOutcome(first)})\n`);
        continue;
      }
      const sig = signature(first);
      let outcome: Finding = first;
      const smaller = await minimizeBytes(files, async (candidate) => {
        const o = await sandbox.runConfirmed(target.kind, candidate);
        if (!isFinding(o) || signature(o) !== sig) return false;
        outcome = o;
        return true;
      }, seconds * 1000);
      saveFinding(folder, { ...finding, signature: sig, outcome }, smaller);
      process.stdout.write(`${folder}: ${totalBytes(files)} -> ${totalBytes(smaller)} bytes\n`);
    }
  } finally {
    await sandbox.close();
  }
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { process.stderr.write(`fuzz: ${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 2; },
);
