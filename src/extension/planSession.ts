import * as path from 'path';
import * as vscode from 'vscode';
import { UsageError } from '../core/errors';
import { candidateName, type Candidate } from '../core/plan/costModel';
import type { SweepProgress } from '../core/plan/errors/errorSweep';
import type { ErrorTable } from '../core/plan/errors/errorTable';
import type { ModelErrors } from '../core/plan/errors/modelErrors';
import { openLlamaModel } from '../core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel, LlamaPlan } from '../core/plan/llamaCpp/planPreset';
import { exportBase } from '../core/plan/llamaCpp/tensorTypeFile';
import { isPlanTargetName, PLAN_TARGET_NAMES, type Plan, type PlanTargetName, type PlanTensor } from '../core/plan/planTypes';
import { PLAN_TARGETS } from '../core/plan/targets';
import { openTargetModel } from '../core/plan/targets/openTargetModel';
import { planTargetPreset } from '../core/plan/targets/presets';
import { GGML_TYPES } from '../core/quant/ggml';
import {
  IDLE_PLAN, IDLE_PLAN_ERRORS, type ParetoPoint, type PlanErrorsState, type PlanExportPreview, type PlanImatrixShown, type PlanRefit, type PlanHostToWebview,
  type PlanInputs, type PlanPanelState, type PlanSettings, type PlanTargetOption,
} from '../shared/planPanelProtocol';
import { JobRunner } from './jobRunner';
import { isCancellation, toPanelError } from './panelError';
import type { PlanErrorsFn } from './planErrors';
import { loadPlanImatrix } from './planImatrix';
import { applicablePresets, defaultPreset, LLAMA_CPP_RULES, shownPlan } from './planShown';
import { budgetLabel, planAt, refitScale, solveModel, type SolvedModel } from './planSolve';
import { defaultTarget, exportFileName, exportsOf, targetOptions, targetPresetNames } from './planTargets';

/** The target the error sweep, the solver and the imatrix are for. */
const TARGET = PLAN_TARGETS['llama.cpp'];

/** The model as the target sees it, and its stock plans (computed once per imatrix choice: headers only). */
interface LoadedModel {
  readonly model: LlamaModel;
  readonly presets: ReadonlyMap<string, LlamaPlan>;
}

/** The target's candidate names: what the worker parses back. */
const TARGET_CANDIDATES: ReadonlySet<string> = new Set(TARGET.candidates.map(candidateName));

/**
 * Whether the worker can price the candidate: one of the target's candidates (TQ1_0 is not yet)
 * whose round trip this build has (ggml types without a quantizer here, e.g. IQ2_XXS, have none).
 */
function priceable(candidate: Candidate): boolean {
  return TARGET_CANDIDATES.has(candidateName(candidate)) && (candidate.kind !== 'ggml' || GGML_TYPES.get(candidate.type)?.quantize !== undefined);
}

/** The candidates each tensor's preset plans give it, when they can be priced (a preset using others is left off the chart). */
function presetCandidates(presets: ReadonlyMap<string, LlamaPlan>): Map<string, Candidate[]> {
  const extra = new Map<string, Candidate[]>();
  for (const p of presets.values()) {
    for (const t of p.tensors) {
      const list = extra.get(t.name) ?? [];
      if (priceable(t.candidate) && !list.some((c) => candidateName(c) === candidateName(t.candidate))) list.push(t.candidate);
      extra.set(t.name, list);
    }
  }
  return extra;
}

/**
 * The Plan tab of one weight file: its model's headers (read once, on the first plan), the
 * per-candidate errors (computed on request in the worker pool), the plan the user chose (a preset,
 * or the solver's at a budget) and the preset it is compared against, and the export shown
 * before saving. Re-planning never reads tensor values: the solver works on the error table.
 */
export class DocumentPlan implements vscode.Disposable {
  private current: PlanPanelState;
  private loaded: Promise<LoadedModel> | null = null;
  /** The solver's problem at the role defaults' scale (the refit's reference), and with the refit applied. */
  private unscaled: SolvedModel | null = null;
  private solved: SolvedModel | null = null;
  private errorTable: ErrorTable | null = null;
  private refit: { readonly refit: PlanRefit; readonly scale: number } | null = null;
  /** The plan shown, as the core made it (what the export writes). */
  private corePlan: Plan | null = null;
  /** The tensors the plan shown was made from (what an export writes beside it). */
  private planTensors: readonly PlanTensor[] = [];
  /** The file's tensors as the tools other than llama.cpp see them (read once, on their first plan). */
  private targetTensors: Promise<PlanTensor[]> | null = null;
  /** Every target, those that do not apply to this file disabled with why. */
  private readonly targets: readonly PlanTargetOption[];
  /** The importance matrix chosen in the host (its path never leaves the host). */
  private imatrix: { readonly file: string; readonly shown: PlanImatrixShown } | null = null;
  private readonly errorsRunner = new JobRunner();
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
    try {
      const offer = this.targets.find((o) => o.name === target);
      if (!offer || !isPlanTargetName(target)) throw new UsageError(`unknown plan target '${target}' (one of ${PLAN_TARGET_NAMES.join(', ')})`);
      if (offer.disabled !== null) throw new UsageError(offer.disabled);
      const next = target === 'llama.cpp' ? await this.planLlamaCpp(generation, settings) : await this.planTarget(generation, target, settings);
      if (next === null) return this.current;
      inputs = next.inputs;
      this.set(next);
    } catch (e) {
      if (generation !== this.generation) return this.current;
      this.corePlan = null;
      this.set({
        ...IDLE_PLAN, status: 'failed', error: oneLine(toPanelError(e)), settings: requested, inputs, errors: this.current.errors, budgetRange: this.solved?.range ?? null,
        imatrix: this.imatrix?.shown ?? null, imatrixError: this.current.imatrixError,
      });
    }
    return this.current;
  }

  /** llama.cpp: its presets as llama-quantize applies them to this model, or the solver's plan under a budget; null when superseded. */
  private async planLlamaCpp(generation: number, settings: PlanSettings | null): Promise<PlanPanelState | null> {
    if (!this.loaded) {
      this.set({ ...this.current, status: 'loading', error: null });
      this.loaded = this.load();
    }
    const { model, presets } = await this.loaded;
    if (generation !== this.generation) return null;
    const names = [...presets.keys()];
    const chosen = settings ?? this.defaultSettings(names);
    const inputs: PlanInputs = {
      target: 'llama.cpp', targets: this.targets, noBudget: null, rules: LLAMA_CPP_RULES, presets: names,
      candidates: TARGET.defaultCandidates.map(candidateName), imatrix: this.imatrix?.shown.file ?? null,
      refit: this.refit ? `${this.refit.refit.preset} measured ${this.refit.refit.measured} (alphas × ${this.refit.scale.toPrecision(3)})` : null,
    };
    // A plan that fails still states its inputs.
    this.current = { ...this.current, inputs };
    const reference = presets.get(chosen.reference);
    if (!reference) throw new UsageError(`the preset to compare against, '${chosen.reference}', does not apply to this model (one of ${names.join(', ')})`);
    const { plan, label } = this.resolve(presets, chosen);
    this.corePlan = plan;
    this.planTensors = model.tensors;
    const priced = (name: string, p: LlamaPlan) => shownPlan(name, this.solved?.presets.get(name) ?? p);
    return {
      status: 'ready',
      error: null,
      settings: chosen,
      inputs,
      plan: chosen.plan.kind === 'preset' ? priced(label, plan as LlamaPlan) : shownPlan(label, plan),
      reference: priced(chosen.reference, reference),
      pareto: this.solved ? { front: this.solved.front, presets: this.presetPoints(this.solved) } : null,
      errors: this.current.errors,
      budgetRange: this.solved?.range ?? null,
      exportTargets: exportsOf('llama.cpp').map((e) => e.name),
      exportPreview: null,
      imatrix: this.imatrix?.shown ?? null,
      imatrixError: this.current.imatrixError,
    };
  }

  /** The other tools: their stock recipes on the file's own tensors (headers only), exported in their syntax; null when superseded. */
  private async planTarget(generation: number, target: Exclude<PlanTargetName, 'llama.cpp'>, settings: PlanSettings | null): Promise<PlanPanelState | null> {
    if (!this.targetTensors) {
      this.set({ ...this.current, status: 'loading', error: null });
      this.targetTensors = openTargetModel(this.paths);
    }
    const tensors = await this.targetTensors;
    if (generation !== this.generation) return null;
    const names = targetPresetNames(target);
    const first = names[0] ?? '';
    const chosen: PlanSettings = settings ?? { target, plan: { kind: 'preset', preset: first }, reference: first };
    const noBudget = `budgets for ${target} are not in the Plan tab yet (the CLI solves them: quantlens plan --target ${target} --budget-bpw B): its stock recipes and exports here`;
    const inputs: PlanInputs = {
      target, targets: this.targets, noBudget, rules: `${target} stock recipes`, presets: names, candidates: [], imatrix: null, refit: null,
    };
    // A plan that fails still states its inputs.
    this.current = { ...this.current, inputs };
    if (chosen.plan.kind === 'budget') throw new UsageError(noBudget);
    const plan = planTargetPreset(PLAN_TARGETS[target], tensors, chosen.plan.preset);
    const reference = planTargetPreset(PLAN_TARGETS[target], tensors, chosen.reference);
    this.corePlan = plan;
    this.planTensors = tensors;
    return {
      ...IDLE_PLAN,
      status: 'ready', settings: chosen, inputs, errors: this.current.errors,
      plan: shownPlan(chosen.plan.preset, plan), reference: shownPlan(chosen.reference, reference),
      exportTargets: exportsOf(target).map((e) => e.name),
    };
  }

  /** The presets llama-quantize applies with or without an importance matrix (IQ2/IQ3 ones need one). */
  private async load(): Promise<LoadedModel> {
    const model = await openLlamaModel(this.paths);
    return { model, presets: applicablePresets(model, this.imatrix !== null) };
  }

  /** A first plan: Q4_K_M; once errors are known, the solver's plan at Q4_K_M's size against Q4_K_M. */
  private defaultSettings(presets: readonly string[]): PlanSettings {
    const preset = defaultPreset(presets);
    if (preset === null) throw new UsageError('no llama.cpp preset applies to this model');
    return { target: 'llama.cpp', plan: this.solved ? { kind: 'budget', unit: 'bpw', value: this.budgetAt(preset) } : { kind: 'preset', preset }, reference: preset };
  }

  private resolve(presets: ReadonlyMap<string, LlamaPlan>, settings: PlanSettings): { plan: Plan; label: string } {
    const choice = settings.plan;
    if (choice.kind === 'budget') {
      if (!this.solved) throw new UsageError('compute the per-candidate errors before planning under a budget');
      if (!Number.isFinite(choice.value)) throw new UsageError(`budget ${choice.value} is not a number`);
      return { plan: planAt(this.solved, choice.unit, choice.value), label: budgetLabel(choice.unit, choice.value) };
    }
    const plan = presets.get(choice.preset);
    if (!plan) throw new UsageError(`preset '${choice.preset}' does not apply to this model (one of ${[...presets.keys()].join(', ')})`);
    return { plan, label: choice.preset };
  }

  private presetPoints(solved: SolvedModel): ParetoPoint[] {
    return [...solved.presets].map(([label, p]) => ({ label, bytes: p.totalBytes, bitsPerWeight: p.bitsPerWeight, damage: p.predictedDamage }));
  }

  /**
   * Computes the errors of every planned tensor under the target's candidates and what the presets
   * chose for it, as the CLI does (worker pool, imatrix-weighted when one is chosen, cached per file;
   * cancellable), then shows the solver's plan at the reference preset's size.
   */
  async startErrors(): Promise<PlanPanelState> {
    if (!this.current.settings) await this.plan(null);
    this.requireLlamaCpp('computing errors for a budget');
    const { model, presets } = await (this.loaded ?? this.load());
    const extra = presetCandidates(presets);
    const planned = (t: PlanTensor): boolean => TARGET.notPlanned(t) === null;
    const imatrixFile = this.imatrix?.file ?? null;
    const outcome = await this.errorsRunner.start<SweepProgress, ModelErrors>({
      title: `QuantLens: errors of ${this.fileName} under each candidate`,
      run: (onProgress, signal) => this.computeErrors({
        model, target: TARGET.name, imatrixFile, onProgress, signal,
        // presets may store tensors the target's rules keep: price every tensor they change
        planned: (t) => planned(t) || (extra.get(t.name)?.length ?? 0) > 0,
        candidatesOf: (t) => [...(planned(t) ? TARGET.defaultCandidates : []), ...(extra.get(t.name) ?? [])],
        bytesOf: (c, t) => TARGET.bytesOf(c, t),
      }),
      describe: (p) => ({ message: progressMessage(p), fraction: sweepFraction(p) }),
      onProgress: (p) => this.setErrors({
        status: 'running', done: p.tensorsDone, total: p.tensorsTotal, known: p.cachedTensors, values: p.elementsTotal, fraction: sweepFraction(p), cacheDir: this.cacheDir, error: null,
      }),
      onEnd: (end) => {
        if (end.status !== 'done') {
          const error = end.status === 'failed' && !isCancellation(end.error) ? oneLine(toPanelError(end.error)) : null;
          this.setErrors({ ...this.current.errors, status: error ? 'failed' : 'cancelled', error });
          return;
        }
        try {
          const table = end.report.table;
          this.errorTable = table;
          this.unscaled = solveModel(model, presets, TARGET.defaultCandidates, table, TARGET);
          this.solved = this.refit ? solveModel(model, presets, TARGET.defaultCandidates, table, TARGET, this.refit.scale) : this.unscaled;
          this.setErrors({ ...this.current.errors, status: 'done', fraction: 1, error: null });
        } catch (e) {
          this.setErrors({ ...this.current.errors, status: 'failed', error: oneLine(toPanelError(e)) });
        }
      },
    });
    if (outcome !== 'done' || !this.solved) return this.current;
    // The story: the solver's plan at the size of the preset it is compared against (within the solver's range).
    const reference = this.current.settings?.reference ?? defaultPreset([...presets.keys()]);
    if (reference === null) return this.plan(this.current.settings);
    return this.plan({ target: 'llama.cpp', plan: { kind: 'budget', unit: 'bpw', value: this.budgetAt(reference) }, reference });
  }

  /** The bits per weight of `preset`, moved into the solver's range (a preset may be smaller than any plan over the candidates). */
  private budgetAt(preset: string): number {
    const solved = this.solved;
    if (!solved) return 0;
    const { minBytes, maxBytes, totalValues } = solved.range;
    const bytes = Math.min(maxBytes, Math.max(minBytes, solved.presets.get(preset)?.totalBytes ?? minBytes));
    // Half a byte over: the solver floors bpw · values / 8, which must not fall below `bytes`.
    return totalValues > 0 ? (8 * bytes + 4) / totalValues : 0;
  }

  /** Rescales the damage model to a measured point (null: back to the role defaults), then re-plans. */
  async setRefit(refit: PlanRefit | null): Promise<PlanPanelState> {
    const loaded = this.loaded ? await this.loaded : null;
    if (!loaded || !this.unscaled || !this.errorTable) throw new UsageError('compute the per-candidate errors before refitting the damage model');
    const scale = refit ? refitScale(this.unscaled, refit) : 1;
    this.refit = refit ? { refit, scale } : null;
    this.solved = refit ? solveModel(loaded.model, loaded.presets, TARGET.defaultCandidates, this.errorTable, TARGET, scale) : this.unscaled;
    return this.plan(this.current.settings);
  }

  /**
   * Weights the errors by the importance matrix in `file` (null: none again). A file that cannot be
   * read or does not match the model is a one-line error beside the picker; the one in use stays.
   * Errors computed before are dropped (they were weighted otherwise): the sweep runs again, or
   * comes from the cache when this file was planned with this imatrix before.
   */
  async setImatrix(file: string | null): Promise<PlanPanelState> {
    if (!this.current.settings) await this.plan(null);
    this.requireLlamaCpp('an importance matrix');
    const { model } = await (this.loaded ?? this.load());
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
    this.errorTable = null;
    this.unscaled = null;
    this.solved = null;
    this.refit = null;
    this.loaded = Promise.resolve({ model, presets: applicablePresets(model, chosen !== null) });
    this.current = { ...this.current, imatrixError: null, errors: this.idleErrors(), pareto: null, budgetRange: null };
    // Without errors there is no budget plan: show the preset compared against.
    const settings = this.current.settings;
    return this.plan(settings && settings.plan.kind === 'budget' ? { ...settings, plan: { kind: 'preset', preset: settings.reference } } : settings);
  }

  /** The error sweep, the solver and the imatrix are llama.cpp's so far. */
  private requireLlamaCpp(what: string): void {
    const target = this.current.settings?.target ?? this.current.inputs?.target;
    if (target !== undefined && target !== 'llama.cpp') throw new UsageError(`${what} is for llama.cpp plans; the ${target} plan uses its stock recipes`);
  }

  cancelErrors(): void {
    this.errorsRunner.cancel();
  }

  private setErrors(errors: PlanErrorsState): void {
    this.set({ ...this.current, errors });
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
