import { TargetCampaign, type CampaignOptions } from './campaign';
import { DEFAULT_TIMEOUT_MS, Sandbox } from './sandbox';
import type { Target } from './targets';

/** Inputs each target should reach in the long run: issue 12's bar ("npm run fuzz -- --minutes 30 runs >= 100,000 inputs per reader"). */
export const MIN_INPUTS_PER_TARGET = 100_000;
/** The part of the run first split evenly over the targets, so each is tried whatever its speed; the rest goes where the floor is not met yet. */
export const EVEN_SHARE = 0.5;
/** Time given at once in the second part: short enough to move on soon after a target reaches the floor, long enough that switching costs nothing. */
const SLICE_MS = 15_000;
/** With less time than this left, no new slice starts. */
const MIN_SLICE_MS = 1000;

/** A target's campaign and the time it was given in each part of the run. */
export interface Scheduled {
  readonly target: Target;
  readonly campaign: TargetCampaign;
  evenMs: number;
  extraMs: number;
}

/**
 * The long run over `minutes` of wall-clock time with `jobs` targets at once: first EVEN_SHARE of
 * it split evenly (each job runs its targets one after another), then slices of SLICE_MS to the
 * target with the fewest inputs among those below MIN_INPUTS_PER_TARGET, and once all are past
 * it, to the target given the least extra time. Each target's inputs follow from the seed alone
 * (its campaign goes on where its last slice stopped); only how many it gets depends on timing.
 */
export async function runSchedule(targets: readonly Target[], options: CampaignOptions, minutes: number, jobs: number): Promise<Scheduled[]> {
  const end = Date.now() + minutes * 60_000;
  const evenMs = (minutes * 60_000 * EVEN_SHARE * jobs) / targets.length;
  const all: Scheduled[] = targets.map((target) => ({ target, campaign: new TargetCampaign(target, options), evenMs: 0, extraMs: 0 }));
  const queue = all.slice();
  const running = new Set<Scheduled>();
  const nextSlice = (): Scheduled | undefined => {
    const idle = all.filter((s) => !running.has(s));
    const below = idle.filter((s) => s.campaign.report.inputs < MIN_INPUTS_PER_TARGET);
    if (below.length > 0) return below.reduce((a, b) => (b.campaign.report.inputs < a.campaign.report.inputs ? b : a));
    return idle.length === 0 ? undefined : idle.reduce((a, b) => (b.extraMs < a.extraMs ? b : a));
  };
  const job = async () => {
    const sandbox = new Sandbox(DEFAULT_TIMEOUT_MS);
    try {
      for (let s: Scheduled | undefined; (s = queue.shift()); ) {
        await runFor(s, sandbox, evenMs, running);
        s.evenMs += evenMs;
        options.log(summaryLine(s, 'even share'));
      }
      for (let s: Scheduled | undefined; end - Date.now() >= MIN_SLICE_MS && (s = nextSlice()); ) {
        const slice = Math.min(SLICE_MS, end - Date.now());
        await runFor(s, sandbox, slice, running);
        s.extraMs += slice;
      }
    } finally {
      await sandbox.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, targets.length) }, job));
  return all;
}

async function runFor(s: Scheduled, sandbox: Sandbox, budgetMs: number, running: Set<Scheduled>): Promise<void> {
  running.add(s);
  try {
    await s.campaign.run(sandbox, { budgetMs });
  } finally {
    running.delete(s);
  }
}

export function summaryLine(s: Scheduled, part: string): string {
  const r = s.campaign.report;
  const cpu = r.cpuMs > 0 ? `${(r.inputs / (r.cpuMs / 1000)).toFixed(0)}/s of CPU` : 'CPU time unknown';
  return `${r.target} (${part}): ${r.inputs} inputs in ${(r.elapsedMs / 1000).toFixed(1)} s (${(r.inputs / Math.max(0.001, r.elapsedMs / 1000)).toFixed(0)}/s; ${cpu}), ${r.bugs.length} finding(s)`;
}
