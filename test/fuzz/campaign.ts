import fc from 'fast-check';
import { loadSeeds, type Seed } from './corpus';
import { totalBytes, type FileSet } from './fileSet';
import { findingFolder, saveFinding } from './findings';
import { minimizeBytes } from './minimize';
import { threadCpuMs } from './threadCpu';
import type { MutationParams } from './mutators/mutator';
import { describeOutcome, isFinding, noveltyKey, signature, type Finding, type Outcome } from './outcome';
import { BATCH_INPUTS, type Sandbox } from './sandbox';
import type { Target } from './targets';

/** Inputs per fast-check run; the corpus grows between runs. */
const ROUND_RUNS = 1000;
/** Mutations stacked on one corpus entry. */
const MAX_MUTATIONS = 4;
/** Corpus entries kept per target (seeds plus inputs that reached a new outcome). */
const MAX_POOL = 512;
/**
 * Inputs bigger than this do not join the corpus: every later mutation of them would parse
 * and rewrite them on the main thread, which all targets share. Amplifying mutations make
 * big inputs from small entries anyway.
 */
const MAX_POOL_INPUT_BYTES = 64 * 1024;

/** The deterministic run (npm test, npm run fuzz -- --smoke): fixed seed, fixed number of inputs per target, about a minute in all. */
export const SMOKE_SEED = 12;
export const SMOKE_INPUTS = 600;

export interface CampaignOptions {
  readonly seed: number;
  /** Time spent shrinking (fast-check) and then minimizing (bytes) each new finding. */
  readonly shrinkMs: number;
  readonly minimizeMs: number;
  /** Save each finding under test/fuzz/findings/. */
  readonly save: boolean;
  readonly log: (line: string) => void;
}

export interface Bug {
  readonly signature: string;
  readonly outcome: Finding;
  readonly files: FileSet;
  readonly recipe: string;
  /** Inputs that hit it (after the first, they are not shrunk again). */
  hits: number;
  readonly folder?: string;
}

export interface TargetReport {
  readonly target: string;
  inputs: number;
  opened: number;
  refused: number;
  /** Inputs that ran past the watchdog once but finished when run again (a loaded machine, not a hang). */
  slow: number;
  shrinkRuns: number;
  elapsedMs: number;
  /** Time spent building inputs (main thread) and running them (sandbox), shrinking included. */
  mutateMs: number;
  runMs: number;
  /**
   * CPU time of the target: its worker's plus the main thread's while it ran (0 off Linux). With
   * --jobs K the main thread serves K targets at once, and each is charged all of it.
   */
  cpuMs: number;
  corpus: number;
  readonly bugs: Bug[];
}

interface Recipe {
  readonly entry: number;
  readonly mutations: readonly (MutationParams & { readonly op: number })[];
}

function recipeArbitrary(entries: number, ops: number): fc.Arbitrary<Recipe> {
  const indexes = (n: number) => fc.constantFrom(...Array.from({ length: n }, (_, i) => i));
  const mutation = fc.record({ op: indexes(ops), a: fc.nat(), b: fc.nat(), c: fc.nat(), d: fc.nat() });
  return fc.record({ entry: indexes(entries), mutations: fc.array(mutation, { minLength: 1, maxLength: MAX_MUTATIONS }) });
}

/** Mutators that threw (a bug of the harness, not of QuantLens): reported once each, then skipped like inapplicable ones. */
const brokenMutators = new Set<string>();

export function brokenMutatorNames(): string[] {
  return [...brokenMutators].sort();
}

function applyRecipe(target: Target, pool: readonly Seed[], recipe: Recipe): { files: FileSet; applied: string[] } {
  let files = pool[recipe.entry]!.files;
  const applied: string[] = [];
  const ctx = { donors: pool.map((s) => s.files) };
  for (const m of recipe.mutations) {
    const mutator = target.mutators[m.op]!;
    let out: FileSet | undefined;
    try {
      out = mutator.apply(files, m, ctx);
    } catch (e) {
      if (!brokenMutators.has(mutator.name)) process.stderr.write(`fuzz: mutator ${mutator.name} threw (harness bug): ${String(e)}\n`);
      brokenMutators.add(mutator.name);
    }
    if (out) {
      files = out;
      applied.push(mutator.name);
    }
  }
  return { files, applied };
}

/** Mixes the campaign seed and a round number into a fast-check seed. */
function roundSeed(seed: number, round: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(round + 1, 0xc2b2ae35)) | 0;
}

/** How much more a campaign runs: a time slice (the long run) or a number of inputs (the deterministic one). */
export interface Limit {
  readonly budgetMs?: number;
  readonly maxInputs?: number;
}

/**
 * Fuzzes one target: fast-check draws each round's recipes (a corpus entry and a few mutations)
 * from the seed, the sandbox runs the inputs in batches, and a finding is shrunk (fast-check,
 * starting from its recipe: fewer, simpler mutations), then minimized byte by byte. `run` can be
 * called again: it goes on where the last call stopped (same pool, same next recipe), so a target
 * given several slices of time sees the same inputs as one given their sum.
 */
export class TargetCampaign {
  readonly report: TargetReport;
  private readonly pool: Seed[];
  private readonly seen = new Set<string>();
  private readonly known = new Map<string, Bug>();
  private round = 0;
  /** The current round's pool and recipes, and the next recipe to run. */
  private snapshot: readonly Seed[] = [];
  private arbitrary: fc.Arbitrary<Recipe> | undefined;
  private recipes: readonly Recipe[] = [];
  private at = 0;

  constructor(private readonly target: Target, private readonly options: CampaignOptions) {
    this.pool = [...loadSeeds(target.name, target.isMain)];
    this.report = { target: target.name, inputs: 0, opened: 0, refused: 0, slow: 0, shrinkRuns: 0, elapsedMs: 0, mutateMs: 0, runMs: 0, cpuMs: 0, corpus: this.pool.length, bugs: [] };
  }

  async run(sandbox: Sandbox, limit: Limit): Promise<TargetReport> {
    const { target, report } = this;
    await sandbox.start();
    const workerCpuAtStart = sandbox.cpuMs;
    const mainCpuAtStart = threadCpuMs() ?? 0;
    const started = Date.now();
    const inputsAtStart = report.inputs;
    const timeLeft = () => (limit.budgetMs === undefined ? Infinity : limit.budgetMs - (Date.now() - started));
    const inputsLeft = () => (limit.maxInputs === undefined ? Infinity : limit.maxInputs - (report.inputs - inputsAtStart));

    while (timeLeft() > 0 && inputsLeft() > 0) {
      if (this.at >= this.recipes.length) this.nextRound();
      const mutating = performance.now();
      const batch = this.recipes.slice(this.at, Math.min(this.at + BATCH_INPUTS, this.at + inputsLeft()))
        .map((recipe) => ({ recipe, files: applyRecipe(target, this.snapshot, recipe).files }));
      this.at += batch.length;
      const running = performance.now();
      const outcomes = await sandbox.runBatchConfirmed(target.kind, batch.map((b) => b.files), () => report.slow++);
      report.mutateMs += running - mutating;
      report.runMs += performance.now() - running;
      for (let i = 0; i < batch.length; i++) await this.record(sandbox, batch[i]!.recipe, batch[i]!.files, outcomes[i]!);
    }
    report.elapsedMs += Date.now() - started;
    report.cpuMs += sandbox.cpuMs - workerCpuAtStart + (threadCpuMs() ?? 0) - mainCpuAtStart;
    report.corpus = this.pool.length;
    return report;
  }

  /** Draws the next round's recipes from the pool as it is now: always a whole round, so where a run stops does not change what comes next. */
  private nextRound(): void {
    this.snapshot = this.pool.slice();
    this.arbitrary = recipeArbitrary(this.snapshot.length, this.target.mutators.length);
    this.recipes = fc.sample(this.arbitrary, { seed: roundSeed(this.options.seed, this.round), numRuns: ROUND_RUNS });
    this.round++;
    this.at = 0;
  }

  private async record(sandbox: Sandbox, recipe: Recipe, files: FileSet, outcome: Outcome): Promise<void> {
    const { target, options, report } = this;
    report.inputs++;
    if (!isFinding(outcome)) {
      if (outcome.kind === 'opened') report.opened++;
      else report.refused++;
      const key = noveltyKey(outcome);
      if (key !== undefined && !this.seen.has(key) && this.pool.length < MAX_POOL && totalBytes(files) <= MAX_POOL_INPUT_BYTES) {
        this.seen.add(key);
        this.pool.push({ label: key, files });
      }
      return;
    }
    const sig = signature(outcome);
    const bug = this.known.get(sig);
    if (bug) {
      bug.hits++;
      return;
    }
    options.log(`  ${target.name}: new finding: ${describeOutcome(outcome).split('\n')[0]}`);
    const last = await shrink(target, sandbox, options, this.snapshot, this.arbitrary!, sig, { files, outcome, recipe }, report);
    this.known.set(sig, await recordBug(target, sandbox, options, this.snapshot, sig, last, report));
  }
}

/** One campaign run to its limit (the deterministic run; the long one goes through TargetCampaign to be given more time). */
export function fuzzTarget(target: Target, sandbox: Sandbox, options: CampaignOptions & Limit): Promise<TargetReport> {
  return new TargetCampaign(target, options).run(sandbox, options);
}

interface Failing {
  readonly files: FileSet;
  readonly outcome: Finding;
  readonly recipe: Recipe;
}

/** The simplest recipe fast-check finds, from the failing one, that still fails with the same signature. */
async function shrink(
  target: Target,
  sandbox: Sandbox,
  options: CampaignOptions,
  pool: readonly Seed[],
  arbitrary: fc.Arbitrary<Recipe>,
  sig: string,
  failing: Failing,
  report: TargetReport,
): Promise<Failing> {
  const deadline = Date.now() + options.shrinkMs;
  let last = failing;
  const property = async (recipe: Recipe): Promise<boolean> => {
    if (Date.now() > deadline) return true;
    const { files } = applyRecipe(target, pool, recipe);
    const outcome = await sandbox.runConfirmed(target.kind, files);
    report.shrinkRuns++;
    if (!isFinding(outcome) || signature(outcome) !== sig) return true;
    last = { files, outcome, recipe };
    return false;
  };
  await fc.check(fc.asyncProperty(arbitrary, property), { examples: [[failing.recipe]], numRuns: 1, seed: options.seed, endOnFailure: false });
  return last;
}

async function recordBug(
  target: Target,
  sandbox: Sandbox,
  options: CampaignOptions,
  pool: readonly Seed[],
  sig: string,
  last: Failing,
  report: TargetReport,
): Promise<Bug> {
  const stillFails = async (files: FileSet) => {
    report.shrinkRuns++;
    const outcome = await sandbox.runConfirmed(target.kind, files);
    return isFinding(outcome) && signature(outcome) === sig;
  };
  const files = await minimizeBytes(last.files, stillFails, options.minimizeMs);
  const { applied } = applyRecipe(target, pool, last.recipe);
  const recipe = `${pool[last.recipe.entry]!.label} + ${applied.join(' + ') || '(no mutation applied)'}`;
  const folder = options.save ? findingFolder(target.name, sig) : undefined;
  if (folder) saveFinding(folder, { target: target.name, signature: sig, outcome: last.outcome, files: files.map((f) => f.name), recipe }, files);
  const bug: Bug = { signature: sig, outcome: last.outcome, files, recipe, hits: 1, ...(folder ? { folder } : {}) };
  report.bugs.push(bug);
  options.log(`  ${target.name}: ${describeOutcome(last.outcome)}\n    from ${recipe}; minimized to ${totalBytes(files)} bytes${folder ? ` in ${folder}` : ''}`);
  return bug;
}
