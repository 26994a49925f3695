import * as path from 'path';
import * as vscode from 'vscode';
import { UsageError } from '../core/errors';
import { openLlamaModel } from '../core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel, LlamaPlan } from '../core/plan/llamaCpp/planPreset';
import { exportBase, tensorTypeFile } from '../core/plan/llamaCpp/tensorTypeFile';
import {
  IDLE_PLAN, type PlanExportPreview, type PlanHostToWebview, type PlanPanelState, type PlanSettings,
} from '../shared/planPanelProtocol';
import { toPanelError } from './panelError';
import { applicablePresets, defaultPreset, LLAMA_CPP_RULES, shownPlan } from './planShown';

/** The targets the Plan tab offers; the others of CLI.md's list come with their target table entries. */
const TARGETS = ['llama.cpp'] as const;

/** The model as the target sees it, and its stock plans (computed once: headers only). */
interface LoadedModel {
  readonly model: LlamaModel;
  readonly presets: ReadonlyMap<string, LlamaPlan>;
}

/**
 * The Plan tab of one weight file: its model's headers (read once, on the first plan), the plan
 * the user chose and the preset it is compared against, and the export shown before saving.
 * Planning never reads tensor values: presets come from names and shapes.
 */
export class DocumentPlan implements vscode.Disposable {
  private current: PlanPanelState = IDLE_PLAN;
  private loaded: Promise<LoadedModel> | null = null;
  /** The plan shown, as the core made it (what the export writes). */
  private corePlan: LlamaPlan | null = null;
  private readonly changed = new vscode.EventEmitter<PlanHostToWebview>();
  /** The panel messages that mirror the state. */
  readonly onMessage = this.changed.event;
  /** Each plan request supersedes the ones before: a slow one finishing late is dropped. */
  private generation = 0;

  constructor(private readonly paths: readonly string[], private readonly fileName: string) {}

  get state(): PlanPanelState {
    return this.current;
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
      const chosen = settings ?? defaultSettings(names);
      inputs = { target: chosen.target, targets: TARGETS, rules: LLAMA_CPP_RULES, presets: names, candidates: [], imatrix: null, refit: null };
      const plan = this.resolve(presets, chosen);
      const reference = presets.get(chosen.reference);
      if (!reference) throw new UsageError(`the preset to compare against, '${chosen.reference}', does not apply to this model (one of ${names.join(', ')})`);
      this.corePlan = plan;
      this.set({
        status: 'ready',
        error: null,
        settings: chosen,
        inputs,
        plan: shownPlan(chosen.plan.kind === 'preset' ? chosen.plan.preset : '', plan),
        reference: shownPlan(chosen.reference, reference),
        pareto: null,
        exportTargets: [...TARGETS],
        exportPreview: null,
      });
    } catch (e) {
      if (generation !== this.generation) return this.current;
      this.corePlan = null;
      this.set({ ...IDLE_PLAN, status: 'failed', error: oneLine(toPanelError(e)), settings, inputs });
    }
    return this.current;
  }

  private async load(): Promise<LoadedModel> {
    const model = await openLlamaModel(this.paths);
    return { model, presets: applicablePresets(model, false) };
  }

  private resolve(presets: ReadonlyMap<string, LlamaPlan>, settings: PlanSettings): LlamaPlan {
    if (!(TARGETS as readonly string[]).includes(settings.target)) throw new UsageError(`target '${settings.target}' is not offered yet (one of ${TARGETS.join(', ')})`);
    if (settings.plan.kind === 'budget') throw new UsageError('plans under a size budget need the per-candidate errors, which are not computed yet');
    const plan = presets.get(settings.plan.preset);
    if (!plan) throw new UsageError(`preset '${settings.plan.preset}' does not apply to this model (one of ${[...presets.keys()].join(', ')})`);
    return plan;
  }

  /** Renders the current plan for `target` and shows it; the text saved is this one, never the webview's. */
  async previewExport(target: string): Promise<PlanExportPreview> {
    const plan = this.corePlan;
    if (!plan || !this.loaded) throw new UsageError('make a plan before exporting it');
    if (!(TARGETS as readonly string[]).includes(target)) throw new UsageError(`no export for target '${target}' (one of ${TARGETS.join(', ')})`);
    const { model } = await this.loaded;
    const base = exportBase(plan);
    const label = this.current.plan?.label || 'plan';
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
    this.changed.dispose();
  }
}

function defaultSettings(presets: readonly string[]): PlanSettings {
  const preset = defaultPreset(presets);
  if (preset === null) throw new UsageError('no llama.cpp preset applies to this model');
  return { target: 'llama.cpp', plan: { kind: 'preset', preset }, reference: preset };
}

function oneLine<E extends { message: string }>(e: E): E {
  return { ...e, message: e.message.split('\n')[0] ?? e.message };
}
