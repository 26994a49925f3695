import * as path from 'path';
import * as vscode from 'vscode';
import { UsageError } from '../core/errors';
import type { ErrorTable } from '../core/plan/errors/errorTable';
import { openLlamaModel } from '../core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel, LlamaPlan } from '../core/plan/llamaCpp/planPreset';
import { exportBase, tensorTypeFile } from '../core/plan/llamaCpp/tensorTypeFile';
import type { Plan } from '../core/plan/planTypes';
import { PLAN_TARGETS } from '../core/plan/targets';
import { candidateName } from '../core/plan/costModel';
import {
  IDLE_PLAN, type ParetoPoint, type PlanErrorsState, type PlanExportPreview, type PlanRefit, type PlanHostToWebview, type PlanPanelState, type PlanSettings,
} from '../shared/planPanelProtocol';
import { JobRunner } from './jobRunner';
import { isCancellation, toPanelError } from './panelError';
import { applicablePresets, defaultPreset, LLAMA_CPP_RULES, shownPlan } from './planShown';
import { budgetLabel, planAt, refitScale, solveModel, type SolvedModel } from './planSolve';

/** The targets the Plan tab offers; the others of the target table come with their model openers. */
const TARGETS = ['llama.cpp'] as const;
const TARGET = PLAN_TARGETS['llama.cpp'];

/** Computes the relative error of every tensor as each of `types` (in worker threads), reporting the tensors done. */
export type PlanErrorsFn = (
  model: LlamaModel, types: readonly string[], onProgress: (done: number, total: number) => void, signal: AbortSignal,
) => Promise<ErrorTable>;

/** The model as the target sees it, and its stock plans (computed once: headers only). */
interface LoadedModel {
  readonly model: LlamaModel;
  readonly presets: ReadonlyMap<string, LlamaPlan>;
}

/**
 * The Plan tab of one weight file: its model's headers (read once, on the first plan), the
 * per-candidate errors (computed on request in the worker pool), the plan the user chose (a preset,
 * or the solver's at a budget) and the preset it is compared against, and the export shown
 * before saving. Re-planning never reads tensor values: the solver works on the error table.
 */
export class DocumentPlan implements vscode.Disposable {
  private current: PlanPanelState = IDLE_PLAN;
  private loaded: Promise<LoadedModel> | null = null;
  /** The solver's problem at the role defaults' scale (the refit's reference), and with the refit applied. */
  private unscaled: SolvedModel | null = null;
  private solved: SolvedModel | null = null;
  private errorTable: ErrorTable | null = null;
  private refit: { readonly refit: PlanRefit; readonly scale: number } | null = null;
  /** The plan shown, as the core made it (what the export writes). */
  private corePlan: Plan | null = null;
  private readonly errorsRunner = new JobRunner();
  private readonly changed = new vscode.EventEmitter<PlanHostToWebview>();
  /** The panel messages that mirror the state. */
  readonly onMessage = this.changed.event;
  /** Each plan request supersedes the ones before: a slow one finishing late is dropped. */
  private generation = 0;

  constructor(private readonly paths: readonly string[], private readonly fileName: string, private readonly computeErrors: PlanErrorsFn) {}

  get state(): PlanPanelState {
    return this.current;
  }

  get running(): boolean {
    return this.errorsRunner.running;
  }

  replay(): PlanHostToWebview[] {
    return [{ type: 'planState', state: this.current }];
  }

  /** Plans with `settings` (null: the defaults for this model); resolves once the state is posted. */
  async plan(settings: PlanSettings | null): Promise<PlanPanelState> {
    const generation = ++this.generation;
    if (!this.loaded) {
      this.set({ ...this.current, status: 'loading', error: null });
      this.loaded = this.load();
    }
    let inputs = this.current.inputs;
    try {
      const { presets } = await this.loaded;
      if (generation !== this.generation) return this.current;
      const names = [...presets.keys()];
      const chosen = settings ?? this.defaultSettings(names);
      inputs = {
        target: chosen.target, targets: TARGETS, rules: LLAMA_CPP_RULES, presets: names,
        candidates: TARGET.defaultCandidates.map(candidateName), imatrix: null,
        refit: this.refit ? `${this.refit.refit.preset} measured ${this.refit.refit.measured} (alphas × ${this.refit.scale.toPrecision(3)})` : null,
      };
      if (!(TARGETS as readonly string[]).includes(chosen.target)) throw new UsageError(`target '${chosen.target}' is not offered yet (one of ${TARGETS.join(', ')})`);
      const reference = presets.get(chosen.reference);
      if (!reference) throw new UsageError(`the preset to compare against, '${chosen.reference}', does not apply to this model (one of ${names.join(', ')})`);
      const { plan, label } = this.resolve(presets, chosen);
      this.corePlan = plan;
      const priced = (name: string, p: LlamaPlan) => shownPlan(name, this.solved?.presets.get(name) ?? p);
      this.set({
        status: 'ready',
        error: null,
        settings: chosen,
        inputs,
        plan: chosen.plan.kind === 'preset' ? priced(label, plan as LlamaPlan) : shownPlan(label, plan),
        reference: priced(chosen.reference, reference),
        pareto: this.solved ? { front: this.solved.front, presets: this.presetPoints(this.solved) } : null,
        errors: this.current.errors,
        budgetRange: this.solved?.range ?? null,
        exportTargets: [...TARGETS],
        exportPreview: null,
      });
    } catch (e) {
      if (generation !== this.generation) return this.current;
      this.corePlan = null;
      this.set({ ...IDLE_PLAN, status: 'failed', error: oneLine(toPanelError(e)), settings, inputs, errors: this.current.errors, budgetRange: this.solved?.range ?? null });
    }
    return this.current;
  }

  private async load(): Promise<LoadedModel> {
    const model = await openLlamaModel(this.paths);
    return { model, presets: applicablePresets(model, false) };
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
   * Computes the errors of every tensor under the target's candidates and the presets' types (in
   * the worker pool, cancellable), then shows the solver's plan at the reference preset's size.
   */
  async startErrors(): Promise<PlanPanelState> {
    if (!this.loaded) await this.plan(null);
    const { model, presets } = await (this.loaded ?? this.load());
    const types = new Set<string>(TARGET.defaultCandidates.map(candidateName));
    for (const p of presets.values()) for (const t of p.tensors) types.add(t.type);
    const outcome = await this.errorsRunner.start<{ done: number; total: number }, ErrorTable>({
      title: `QuantLens: errors of ${this.fileName} under each candidate`,
      run: (onProgress, signal) => this.computeErrors(model, [...types], (done, total) => onProgress({ done, total }), signal),
      describe: (p) => ({ message: `${p.done} / ${p.total} tensors`, fraction: p.total > 0 ? p.done / p.total : 0 }),
      onProgress: (p) => this.setErrors({ status: 'running', done: p.done, total: p.total, error: null }),
      onEnd: (end) => {
        if (end.status !== 'done') {
          const error = end.status === 'failed' && !isCancellation(end.error) ? oneLine(toPanelError(end.error)) : null;
          this.setErrors({ ...this.current.errors, status: error ? 'failed' : 'cancelled', error });
          return;
        }
        try {
          this.errorTable = end.report;
          this.unscaled = solveModel(model, presets, TARGET.defaultCandidates, end.report, TARGET);
          this.solved = this.refit ? solveModel(model, presets, TARGET.defaultCandidates, end.report, TARGET, this.refit.scale) : this.unscaled;
          this.setErrors({ ...this.current.errors, status: 'done', error: null });
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

  cancelErrors(): void {
    this.errorsRunner.cancel();
  }

  private setErrors(errors: PlanErrorsState): void {
    this.set({ ...this.current, errors });
  }

  /** Renders the current plan for `target` and shows it; the text saved is this one, never the webview's. */
  async previewExport(target: string): Promise<PlanExportPreview> {
    const plan = this.corePlan;
    if (!plan || !this.loaded) throw new UsageError('make a plan before exporting it');
    if (!(TARGETS as readonly string[]).includes(target)) throw new UsageError(`no export for target '${target}' (one of ${TARGETS.join(', ')})`);
    const { model } = await this.loaded;
    const base = exportBase(plan);
    const label = (this.current.plan?.label ?? 'plan').replace(/[^\w.-]+/g, '-');
    const fileName = `${this.fileName.replace(/\.(gguf|safetensors)$/i, '')}.${label}.tensor-types.txt`;
    const input = /\.gguf$/i.test(this.fileName) ? this.fileName : 'IN.gguf';
    const preview: PlanExportPreview = {
      target, fileName, text: tensorTypeFile(plan, model),
      usage: `llama-quantize --tensor-type-file ${fileName} ${input} OUT.gguf ${base}`,
    };
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

function oneLine<E extends { message: string }>(e: E): E {
  return { ...e, message: e.message.split('\n')[0] ?? e.message };
}
