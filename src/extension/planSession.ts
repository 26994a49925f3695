import * as path from 'path';
import * as vscode from 'vscode';
import { UsageError } from '../core/errors';
import { candidateName } from '../core/plan/costModel';
import type { SweepProgress } from '../core/plan/errors/errorSweep';
import type { ErrorTable } from '../core/plan/errors/errorTable';
import type { ModelErrors } from '../core/plan/errors/modelErrors';
import { exportBase } from '../core/plan/llamaCpp/tensorTypeFile';
import { isPlanTargetName, PLAN_TARGET_NAMES, type Plan, type PlanTargetName, type PlanTensor } from '../core/plan/planTypes';
import {
  IDLE_PLAN, IDLE_PLAN_ERRORS, type ParetoPoint, type PlanErrorsState, type PlanExportPreview, type PlanImatrixShown, type PlanRefit, type PlanHostToWebview,
  type PlanInputs, type PlanPanelState, type PlanSettings, type PlanTargetOption,
} from '../shared/planPanelProtocol';
import { JobRunner } from './jobRunner';
import { isCancellation, toPanelError } from './panelError';
import type { PlanErrorsFn } from './planErrors';
import { loadPlanImatrix } from './planImatrix';
import { defaultPreset, shownPlan } from './planShown';
import { budgetLabel, planAt, refitScale, solveModel, type SolvedModel } from './planSolve';
import { openTargetPlanModel, sweepScope, type TargetModel } from './planTargetModel';
import { defaultTarget, exportFileName, exportsOf, targetOptions } from './planTargets';

/** The only target that weights errors by an importance matrix (llama-quantize's --imatrix). */
const IMATRIX_TARGET: PlanTargetName = 'llama.cpp';

/**
 * One target's side of the tab: the file as the tool sees it (headers, read on its first plan), its
 * errors once computed, the solver's problem at the role defaults' scale (the refit's reference)
 * and with the refit applied. Kept per target, so switching back is instant.
 */
interface TargetSession {
  readonly loaded: Promise<TargetModel>;
  model: TargetModel | null;
  errors: PlanErrorsState;
  errorTable: ErrorTable | null;
  unscaled: SolvedModel | null;
  solved: SolvedModel | null;
  refit: { readonly refit: PlanRefit; readonly scale: number } | null;
}

/**
 * The Plan tab of one weight file, for each target tool: its model's headers (read once, on the
 * first plan for that tool), the per-candidate errors (computed on request in the worker pool), the
 * plan the user chose (a preset, or the solver's at a budget) and the preset it is compared
 * against, and the export shown before saving. Re-planning never reads tensor values: the solver
 * works on the error table.
 */
export class DocumentPlan implements vscode.Disposable {
  private current: PlanPanelState;
  private readonly sessions = new Map<PlanTargetName, TargetSession>();
  /** The plan shown, as the core made it (what the export writes). */
  private corePlan: Plan | null = null;
  /** The tensors the plan shown was made from (what an export writes beside it). */
  private planTensors: readonly PlanTensor[] = [];
  /** Every target, those that do not apply to this file disabled with why. */
  private readonly targets: readonly PlanTargetOption[];
  /** The importance matrix chosen in the host (its path never leaves the host). */
  private imatrix: { readonly file: string; readonly shown: PlanImatrixShown } | null = null;
  private readonly errorsRunner = new JobRunner();
  /** The sweep the runner is computing (its target), null when idle. */
  private sweeping: { readonly target: PlanTargetName } | null = null;
  private readonly changed = new vscode.EventEmitter<PlanHostToWebview>();
  /** The panel messages that mirror the state. */
  readonly onMessage = this.changed.event;
  /** Each plan request supersedes the ones before: a slow one finishing late is dropped. */
  private generation = 0;

  /** `cacheDir`: where the per-candidate errors are cached (per file and imatrix), so a second plan of the file is instant. */
  constructor(
    private readonly paths: readonly string[], private readonly fileName: string, private readonly computeErrors: PlanErrorsFn, private readonly cacheDir: string,
  ) {
    this.current = { ...IDLE_PLAN, errors: this.idleErrors() };
    this.targets = targetOptions(fileName);
  }

  private idleErrors(): PlanErrorsState {
    return { ...IDLE_PLAN_ERRORS, cacheDir: this.cacheDir };
  }

  get state(): PlanPanelState {
    return this.current;
  }

  get running(): boolean {
    return this.errorsRunner.running;
  }

  replay(): PlanHostToWebview[] {
    return [{ type: 'planState', state: this.current }];
  }

  /** The target's session, opened (headers read) on first use. */
  private sessionOf(target: PlanTargetName): TargetSession {
    const known = this.sessions.get(target);
    if (known) return known;
    const session: TargetSession = {
      loaded: openTargetPlanModel(this.paths, target, target === IMATRIX_TARGET && this.imatrix !== null).then((m) => (session.model = m)),
      model: null, errors: this.idleErrors(), errorTable: null, unscaled: null, solved: null, refit: null,
    };
    this.sessions.set(target, session);
    return session;
  }

  /** The target shown (or last asked for); the file's default before any plan. */
  private get shownTarget(): PlanTargetName {
    const target = this.current.settings?.target ?? this.current.inputs?.target;
    return target !== undefined && isPlanTargetName(target) ? target : defaultTarget(this.fileName);
  }

  /**
   * Plans with `settings` (null: the defaults for this file; a target other than the one shown:
   * that target's defaults); resolves once the state is posted.
   */
  async plan(requested: PlanSettings | null): Promise<PlanPanelState> {
    const generation = ++this.generation;
    const shown = this.current.settings;
    const settings = requested && shown && requested.target !== shown.target ? null : requested;
    const target = requested?.target ?? defaultTarget(this.fileName);
    let inputs = this.current.inputs;
    let session: TargetSession | null = null;
    try {
      const offer = this.targets.find((o) => o.name === target);
      if (!offer || !isPlanTargetName(target)) throw new UsageError(`unknown plan target '${target}' (one of ${PLAN_TARGET_NAMES.join(', ')})`);
      if (offer.disabled !== null) throw new UsageError(offer.disabled);
      // Another target's sweep stops: its errors so far are cached, the next sweep resumes there.
      if (this.sweeping !== null && this.sweeping.target !== target) this.errorsRunner.cancel();
      session = this.sessionOf(target);
      const next = await this.planFor(generation, target, session, settings);
      if (next === null) return this.current;
      inputs = next.inputs;
      this.set(next);
    } catch (e) {
      if (generation !== this.generation) return this.current;
      this.corePlan = null;
      this.set({
        ...IDLE_PLAN, status: 'failed', error: oneLine(toPanelError(e)), settings: requested, inputs, errors: session?.errors ?? this.current.errors,
        budgetRange: session?.solved?.range ?? null, imatrix: this.imatrix?.shown ?? null, imatrixError: this.current.imatrixError,
      });
    }
    return this.current;
  }

  /** The target's presets as the tool applies them to this file, or the solver's plan under a budget; null when superseded. */
  private async planFor(generation: number, target: PlanTargetName, session: TargetSession, settings: PlanSettings | null): Promise<PlanPanelState | null> {
    if (!session.model) this.set({ ...this.current, status: 'loading', error: null });
    const m = await session.loaded;
    if (generation !== this.generation) return null;
    const names = [...m.presets.keys()];
    const chosen = settings ?? this.defaultSettings(target, session, names);
    const refit = session.refit;
    const inputs: PlanInputs = {
      target, targets: this.targets, imatrixOffered: target === IMATRIX_TARGET, rules: m.rules, presets: names,
      candidates: m.target.defaultCandidates.map(candidateName), imatrix: target === IMATRIX_TARGET ? this.imatrix?.shown.file ?? null : null,
      refit: refit ? `${refit.refit.preset} measured ${refit.refit.measured} (alphas × ${refit.scale.toPrecision(3)})` : null,
    };
    // A plan that fails still states its inputs and its target's sweep.
    this.current = { ...this.current, inputs, errors: session.errors };
    const reference = m.presets.get(chosen.reference);
    if (!reference) throw new UsageError(`the preset to compare against, '${chosen.reference}', does not apply to this model for ${target} (one of ${names.join(', ')})`);
    const { plan, label } = this.resolve(target, m, session, chosen);
    this.corePlan = plan;
    this.planTensors = m.model.tensors;
    const solved = session.solved;
    const priced = (name: string, p: Plan) => shownPlan(name, solved?.presets.get(name) ?? p);
    return {
      status: 'ready',
      error: null,
      settings: chosen,
      inputs,
      plan: chosen.plan.kind === 'preset' ? priced(label, plan) : shownPlan(label, plan),
      reference: priced(chosen.reference, reference),
      pareto: solved ? { front: solved.front, presets: presetPoints(solved) } : null,
      errors: session.errors,
      budgetRange: solved?.range ?? null,
      exportTargets: exportsOf(target).map((e) => e.name),
      exportPreview: null,
      imatrix: this.imatrix?.shown ?? null,
      imatrixError: this.current.imatrixError,
    };
  }

  /** A first plan: Q4_K_M (or the tool's first recipe); once errors are known, the solver's plan at that preset's size against it. */
  private defaultSettings(target: PlanTargetName, session: TargetSession, presets: readonly string[]): PlanSettings {
    const preset = defaultPreset(presets);
    if (preset === null) throw new UsageError(`no ${target} preset applies to this model`);
    const plan = session.solved ? { kind: 'budget', unit: 'bpw', value: budgetAt(session.solved, preset) } as const : { kind: 'preset', preset } as const;
    return { target, plan, reference: preset };
  }

  private resolve(target: PlanTargetName, m: TargetModel, session: TargetSession, settings: PlanSettings): { plan: Plan; label: string } {
    const choice = settings.plan;
    if (choice.kind === 'budget') {
      if (!session.solved) throw new UsageError('compute the per-candidate errors before planning under a budget');
      if (!Number.isFinite(choice.value)) throw new UsageError(`budget ${choice.value} is not a number`);
      return { plan: planAt(session.solved, choice.unit, choice.value), label: budgetLabel(choice.unit, choice.value) };
    }
    const plan = m.presets.get(choice.preset);
    if (!plan) throw new UsageError(`preset '${choice.preset}' does not apply to this model for ${target} (one of ${[...m.presets.keys()].join(', ')})`);
    return { plan, label: choice.preset };
  }

  /**
   * Computes the errors of every tensor the shown target plans, under its candidates and what its
   * presets chose, as the CLI does (worker pool, imatrix-weighted for llama.cpp when one is chosen,
   * cached per file; cancellable), then shows the solver's plan at the reference preset's size.
   */
  async startErrors(): Promise<PlanPanelState> {
    if (!this.current.settings) await this.plan(null);
    const target = this.shownTarget;
    const session = this.sessionOf(target);
    const m = await session.loaded;
    const scope = sweepScope(m);
    const imatrixFile = target === IMATRIX_TARGET ? this.imatrix?.file ?? null : null;
    const setErrors = (errors: PlanErrorsState): void => {
      session.errors = errors;
      if (this.sessions.get(target) === session && this.shownTarget === target) this.set({ ...this.current, errors });
    };
    const sweep = { target };
    this.sweeping = sweep;
    const outcome = await this.errorsRunner.start<SweepProgress, ModelErrors>({
      title: `QuantLens: errors of ${this.fileName} under each ${target} candidate`,
      run: (onProgress, signal) => this.computeErrors({
        model: m.model, target, imatrixFile, onProgress, signal, planned: scope.planned, candidatesOf: scope.candidatesOf, bytesOf: (c, t) => m.target.bytesOf(c, t),
      }),
      describe: (p) => ({ message: progressMessage(p), fraction: sweepFraction(p) }),
      onProgress: (p) => setErrors({
        status: 'running', done: p.tensorsDone, total: p.tensorsTotal, known: p.cachedTensors, values: p.elementsTotal, fraction: sweepFraction(p), cacheDir: this.cacheDir, error: null,
      }),
      onEnd: (end) => {
        if (this.sweeping === sweep) this.sweeping = null;
        if (end.status !== 'done') {
          const error = end.status === 'failed' && !isCancellation(end.error) ? oneLine(toPanelError(end.error)) : null;
          setErrors({ ...session.errors, status: error ? 'failed' : 'cancelled', error });
          return;
        }
        try {
          const table = end.report.table;
          session.errorTable = table;
          session.unscaled = solveModel(m, table);
          session.solved = session.refit ? solveModel(m, table, session.refit.scale) : session.unscaled;
          setErrors({ ...session.errors, status: 'done', fraction: 1, error: null });
        } catch (e) {
          setErrors({ ...session.errors, status: 'failed', error: oneLine(toPanelError(e)) });
        }
      },
    });
    if (outcome !== 'done' || !session.solved || this.shownTarget !== target) return this.current;
    // The story: the solver's plan at the size of the preset it is compared against (within the solver's range).
    const reference = this.current.settings?.reference ?? defaultPreset([...m.presets.keys()]);
    if (reference === null) return this.plan(this.current.settings);
    return this.plan({ target, plan: { kind: 'budget', unit: 'bpw', value: budgetAt(session.solved, reference) }, reference });
  }

  /** Rescales the shown target's damage model to a measured point (null: back to the role defaults), then re-plans. */
  async setRefit(refit: PlanRefit | null): Promise<PlanPanelState> {
    const session = this.sessions.get(this.shownTarget);
    const m = session?.model ?? null;
    if (!session || !m || !session.unscaled || !session.errorTable) throw new UsageError('compute the per-candidate errors before refitting the damage model');
    const scale = refit ? refitScale(session.unscaled, refit) : 1;
    session.refit = refit ? { refit, scale } : null;
    session.solved = refit ? solveModel(m, session.errorTable, scale) : session.unscaled;
    return this.plan(this.current.settings);
  }

  /**
   * Weights llama.cpp's errors by the importance matrix in `file` (null: none again). A file that
   * cannot be read or does not match the model is a one-line error beside the picker; the one in use
   * stays. Errors computed before are dropped (they were weighted otherwise): the sweep runs again,
   * or comes from the cache when this file was planned with this imatrix before.
   */
  async setImatrix(file: string | null): Promise<PlanPanelState> {
    if (!this.current.settings) await this.plan(null);
    if (this.shownTarget !== IMATRIX_TARGET) throw new UsageError(`an importance matrix is for llama.cpp plans (llama-quantize --imatrix), not ${this.shownTarget}'s`);
    const { model } = await this.sessionOf(IMATRIX_TARGET).loaded;
    let chosen: { file: string; shown: PlanImatrixShown } | null = null;
    if (file !== null) {
      try {
        chosen = { file, shown: await loadPlanImatrix(file, model) };
      } catch (e) {
        this.set({ ...this.current, imatrixError: oneLine(toPanelError(e)) });
        return this.current;
      }
    }
    this.errorsRunner.cancel();
    this.imatrix = chosen;
    // The presets llama-quantize applies depend on the imatrix (IQ2/IQ3 need one): the headers are read again.
    this.sessions.delete(IMATRIX_TARGET);
    this.current = { ...this.current, imatrixError: null, errors: this.idleErrors(), pareto: null, budgetRange: null };
    // Without errors there is no budget plan: show the preset compared against.
    const settings = this.current.settings;
    return this.plan(settings && settings.plan.kind === 'budget' ? { ...settings, plan: { kind: 'preset', preset: settings.reference } } : settings);
  }

  cancelErrors(): void {
    this.errorsRunner.cancel();
  }

  /** Renders the current plan with the export named `name` and shows it; the text saved is this one, never the webview's. */
  async previewExport(name: string): Promise<PlanExportPreview> {
    const plan = this.corePlan;
    const target = this.current.settings?.target;
    if (!plan || !target || !isPlanTargetName(target) || this.current.status !== 'ready') throw new UsageError('make a plan before exporting it');
    const planExport = exportsOf(target).find((e) => e.name === name);
    if (!planExport) throw new UsageError(`no export '${name}' for a ${target} plan (one of ${exportsOf(target).map((e) => e.name).join(', ')})`);
    const fileName = exportFileName(this.fileName, this.current.plan?.label ?? 'plan', name);
    let usage = planExport.apply(fileName, plan);
    if (target === 'llama.cpp') {
      const input = /\.gguf$/i.test(this.fileName) ? this.fileName : 'IN.gguf';
      usage = `llama-quantize --tensor-type-file ${fileName} ${input} OUT.gguf ${exportBase(plan)}`;
    }
    const preview: PlanExportPreview = { target: name, fileName, text: planExport.write(plan, this.planTensors), usage };
    this.set({ ...this.current, exportPreview: preview });
    return preview;
  }

  /** The folder a save dialog starts in: the model's. */
  get folder(): string {
    return path.dirname(this.paths[0] ?? '.');
  }

  private set(state: PlanPanelState): void {
    this.current = state;
    this.changed.fire({ type: 'planState', state });
  }

  dispose(): void {
    this.generation++;
    this.errorsRunner.cancel();
    this.changed.dispose();
  }
}

function presetPoints(solved: SolvedModel): ParetoPoint[] {
  return [...solved.presets].map(([label, p]) => ({ label, bytes: p.totalBytes, bitsPerWeight: p.bitsPerWeight, damage: p.predictedDamage }));
}

/** The bits per weight of `preset`, moved into the solver's range (a preset may be smaller than any plan over the candidates). */
function budgetAt(solved: SolvedModel, preset: string): number {
  const { minBytes, maxBytes, totalValues } = solved.range;
  const bytes = Math.min(maxBytes, Math.max(minBytes, solved.presets.get(preset)?.totalBytes ?? minBytes));
  // Half a byte over: the solver floors bpw · values / 8, which must not fall below `bytes`.
  return totalValues > 0 ? (8 * bytes + 4) / totalValues : 0;
}

/** Values read over values to read; 1 when everything came from the cache. */
function sweepFraction(p: SweepProgress): number {
  return p.elementsTotal > 0 ? p.elementsDone / p.elementsTotal : 1;
}

function progressMessage(p: SweepProgress): string {
  return `${p.tensorsDone} / ${p.tensorsTotal} tensors${p.cachedTensors > 0 ? ` (${p.cachedTensors} already known)` : ''}`;
}

function oneLine<E extends { message: string }>(e: E): E {
  return { ...e, message: e.message.split('\n')[0] ?? e.message };
}
