import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import { planLlamaCppPreset } from '../../../src/core/plan/llamaCpp/planPreset';
import { tensorTypeFile } from '../../../src/core/plan/llamaCpp/tensorTypeFile';
import { exportFor } from '../../../src/core/plan/exports';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';
import { openTargetModel } from '../../../src/core/plan/targets/openTargetModel';
import { planTargetPreset } from '../../../src/core/plan/targets/presets';
import type { PlanPanelState, PlanSettings } from '../../../src/shared/planPanelProtocol';
import { run as runCli } from '../../unit/cli/run';
import { tempDir } from './files';
import { api, closeAllEditors, inspectorFor, repoPath, waitFor, waitForInspector } from './helpers';

const FIXTURE = ['test', 'fixtures', 'plan', 'llama-gqa.gguf'];
const HF_LLAMA = ['test', 'fixtures', 'plan', 'hf-llama', 'model.safetensors'];

describe('Plan Mixed Precision', () => {
  afterEach(closeAllEditors);

  it('opens the Plan tab with the plan the core makes (Q4_K_M), tensor by tensor, and re-plans on request', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const file = repoPath(...FIXTURE);
    const state = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file });
    assert.strictEqual(state.status, 'ready', state.error?.message);
    const model = await openLlamaModel([file]);
    const core = planLlamaCppPreset(model, { preset: 'Q4_K_M' });
    assert.strictEqual(state.plan?.label, 'Q4_K_M');
    assert.deepStrictEqual(state.plan.rows.map((r) => [r.name, r.type, r.bytes, r.reason]), core.tensors.map((t) => [t.name, t.type, t.bytes, t.reason]));
    assert.strictEqual(state.plan.totalBytes, core.totalBytes);
    assert.ok(state.inputs?.presets.includes('Q6_K'));
    assert.match(state.inputs?.rules ?? '', /^llama\.cpp [0-9a-f]{8}$/);

    // What the panel received and drew: the same plan, every tensor a row.
    const shown = await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'plan' && i.rendered.plan.rows === core.tensors.length);
    assert.strictEqual(shown.plan.plan?.label, 'Q4_K_M');
    assert.strictEqual(shown.rendered?.plan.planBytes, core.totalBytes);

    const settings: PlanSettings = { target: 'llama.cpp', plan: { kind: 'preset', preset: 'Q6_K' }, reference: 'Q4_K_M' };
    const q6 = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings });
    assert.strictEqual(q6.plan?.totalBytes, planLlamaCppPreset(model, { preset: 'Q6_K' }).totalBytes);
    assert.strictEqual(q6.reference?.label, 'Q4_K_M');
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.planLabel === 'Q6_K' && i.rendered.plan.referenceLabel === 'Q4_K_M');

    // The export is the core's tensor-type file of the plan shown.
    const out = path.join(tempDir('quantlens-plan-'), 'plan.txt');
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.savePlanExport', { tool: 'llama.cpp', file: out }), out);
    assert.strictEqual(fs.readFileSync(out, 'utf8'), tensorTypeFile(planLlamaCppPreset(model, { preset: 'Q6_K' }), model));
    await waitForInspector(quantlens, file, (i) => (i.rendered?.plan.exportPreviewLines ?? 0) > 0);
  });

  it('a preset that does not apply gets a one-line error in place', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const file = repoPath(...FIXTURE);
    const settings: PlanSettings = { target: 'llama.cpp', plan: { kind: 'preset', preset: 'IQ2_XXS' }, reference: 'Q4_K_M' };
    const state = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file, settings });
    assert.strictEqual(state.status, 'failed');
    assert.match(state.error?.message ?? '', /IQ2_XXS/);
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.error === state.error?.message);
  });
});

describe('Plan Mixed Precision: the solver', () => {
  afterEach(closeAllEditors);

  it('computes the per-candidate errors once, then every budget re-solves at once: within the budget, presets priced on the same chart', async function () {
    this.timeout(180_000);
    const quantlens = await api();
    const file = repoPath(...FIXTURE);
    const solved = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file, computeErrors: true });
    assert.strictEqual(solved.errors.status, 'done', solved.errors.error?.message);
    assert.strictEqual(solved.status, 'ready', solved.error?.message);
    const range = solved.budgetRange;
    assert.ok(range && range.minBytes < range.maxBytes, JSON.stringify(range));
    assert.strictEqual(solved.settings?.plan.kind, 'budget');
    assert.ok(solved.pareto && solved.pareto.front.length >= 2 && solved.pareto.presets.some((p) => p.label === 'Q4_K_M'));
    assert.ok(solved.plan?.damage !== null && solved.plan?.rows.every((r) => r.relErr !== null && r.damage !== null));
    await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'plan' && i.rendered.chartsDrawn >= 1 && (i.rendered.plan.planLabel ?? '').endsWith('bpw plan'));

    // Two budgets: each plan fits its own, the larger one is predicted to do less damage.
    const at = async (bytes: number): Promise<PlanPanelState> => {
      const settings: PlanSettings = { target: 'llama.cpp', plan: { kind: 'budget', unit: 'bytes', value: bytes }, reference: 'Q4_K_M' };
      const started = Date.now();
      const state = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings });
      assert.ok(Date.now() - started < 2_000, `re-solving took ${Date.now() - started} ms`);
      assert.strictEqual(state.status, 'ready', state.error?.message);
      assert.ok((state.plan?.totalBytes ?? Infinity) <= bytes, `${state.plan?.totalBytes} > ${bytes}`);
      return state;
    };
    const low = await at(Math.round(range.minBytes + 0.25 * (range.maxBytes - range.minBytes)));
    const high = await at(Math.round(range.minBytes + 0.75 * (range.maxBytes - range.minBytes)));
    assert.ok((high.plan?.damage ?? Infinity) < (low.plan?.damage ?? 0), `${high.plan?.damage} < ${low.plan?.damage}`);
    assert.ok((high.plan?.totalBytes ?? 0) > (low.plan?.totalBytes ?? 0));
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.planBytes === high.plan?.totalBytes);

    // A budget below the smallest plan: one line naming the floor.
    const tooSmall = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', {
      settings: { target: 'llama.cpp', plan: { kind: 'budget', unit: 'bytes', value: range.minBytes - 1 }, reference: 'Q4_K_M' },
    });
    assert.strictEqual(tooSmall.status, 'failed');
    assert.match(tooSmall.error?.message ?? '', /below the smallest plan/);
  });
});

/** A copy of the fixture (and the config.json beside it) under a new path: the error cache (keyed by path, size and time) has never seen it. */
function freshCopy(file: string): string {
  const dir = tempDir('quantlens-plan-cache-');
  const config = path.join(path.dirname(file), 'config.json');
  if (fs.existsSync(config)) fs.copyFileSync(config, path.join(dir, 'config.json'));
  const copy = path.join(dir, path.basename(file));
  fs.copyFileSync(file, copy);
  return copy;
}

describe('Plan Mixed Precision: errors through the worker pool, cached, weighted, cancellable', () => {
  afterEach(closeAllEditors);

  it('a second plan of the same file reads every error from the cache in the extension\'s global storage', async function () {
    this.timeout(240_000);
    const quantlens = await api();
    const file = freshCopy(repoPath(...FIXTURE));
    const first = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file, computeErrors: true });
    assert.strictEqual(first.errors.status, 'done', first.errors.error?.message);
    assert.ok(first.errors.total > 0);
    assert.ok(first.errors.values > 0 && first.errors.known < first.errors.total, 'a file never planned: errors computed');
    assert.ok(first.errors.cacheDir.includes('plan-errors'), first.errors.cacheDir);
    assert.ok(fs.readdirSync(first.errors.cacheDir).some((f) => /^errors-[0-9a-f]+\.json$/.test(f)), `a cache file in ${first.errors.cacheDir}`);
    await closeAllEditors();
    await waitFor(quantlens, () => (inspectorFor(quantlens, file) === undefined ? true : undefined));

    // A new document (nothing in memory): the same errors, none recomputed.
    const second = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file, computeErrors: true });
    assert.strictEqual(second.errors.status, 'done', second.errors.error?.message);
    assert.strictEqual(second.errors.values, 0, 'no value quantized again');
    assert.strictEqual(second.errors.known, second.errors.total, 'every tensor from the cache');
    assert.strictEqual(second.errors.total, first.errors.total);
    assert.deepStrictEqual(second.plan?.rows.map((r) => [r.name, r.type, r.relErr]), first.plan?.rows.map((r) => [r.name, r.type, r.relErr]));
    await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'plan' && (i.rendered.plan.planLabel ?? '').endsWith('bpw plan'));
  });

  it('an importance matrix given to the command weights the errors, offers the presets that need one and shows its statistics; another model\'s is one line', async function () {
    this.timeout(240_000);
    const quantlens = await api();
    const file = repoPath(...FIXTURE);
    const imatrix = repoPath('test', 'fixtures', 'plan', 'imatrix', 'llama-gqa.imatrix.gguf');
    const plain = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file, imatrix: null, computeErrors: true });
    assert.strictEqual(plain.errors.status, 'done', plain.errors.error?.message);
    assert.ok(!plain.inputs?.presets.includes('IQ2_XXS'));
    const weighted = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file, imatrix, computeErrors: true });
    assert.strictEqual(weighted.errors.status, 'done', weighted.errors.error?.message);
    assert.strictEqual(weighted.inputs?.imatrix, 'llama-gqa.imatrix.gguf');
    assert.ok(weighted.inputs?.presets.includes('IQ2_XXS'), `presets with an imatrix: ${weighted.inputs?.presets.join(', ')}`);
    assert.ok(weighted.imatrix && weighted.imatrix.tensors.length > 0 && weighted.imatrix.layers.some((l) => l.name === 'blk.0'));
    // Same budget, same tensors: the imatrix changes what each error is.
    const settings: PlanSettings = { target: 'llama.cpp', plan: { kind: 'preset', preset: 'Q4_K_M' }, reference: 'Q4_K_M' };
    const q4Weighted = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings });
    const q4Plain = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { imatrix: null, computeErrors: true, settings });
    const errs = (s: PlanPanelState): (number | null)[] => s.plan?.rows.map((r) => r.relErr) ?? [];
    assert.ok(errs(q4Weighted).every((e) => e !== null) && errs(q4Plain).every((e) => e !== null));
    assert.notDeepStrictEqual(errs(q4Weighted), errs(q4Plain), 'weighted errors differ from unweighted ones');

    const refused = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', {
      imatrix: repoPath('test', 'fixtures', 'plan', 'imatrix', 'moe.imatrix.gguf'),
    });
    assert.match(refused.imatrixError?.message ?? '', /moe\.imatrix\.gguf/);
    assert.ok(!(refused.imatrixError?.message ?? '').includes('\n'));
    assert.strictEqual(refused.inputs?.imatrix ?? null, null, 'the refused imatrix is not used');
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.imatrixError === refused.imatrixError?.message);
  });

  it('cancelling the error sweep stops it before it completes; the next sweep reuses what was computed', async function () {
    this.timeout(240_000);
    const quantlens = await api();
    const file = freshCopy(repoPath(...FIXTURE));
    const config = vscode.workspace.getConfiguration('quantlens');
    // One thread: tensors are priced one after another, each a round trip to the worker.
    await config.update('workerThreads', 1, vscode.ConfigurationTarget.Global);
    try {
      const opened = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file });
      assert.strictEqual(opened.status, 'ready', opened.error?.message);
      const run = vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { computeErrors: true });
      await waitForInspector(quantlens, file, (i) => i.plan.errors.status === 'running');
      assert.strictEqual(await vscode.commands.executeCommand<number>('quantlens.cancelAnalysis'), 1);
      const stopped = await run;
      assert.strictEqual(stopped.errors.status, 'cancelled');
      assert.ok(stopped.errors.done < stopped.errors.total, `${stopped.errors.done} of ${stopped.errors.total} tensors`);
      assert.strictEqual(stopped.pareto, null, 'no plan by budget from a partial sweep');
      await waitForInspector(quantlens, file, (i) => i.rendered?.plan.planLabel === 'Q4_K_M');

      const resumed = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { computeErrors: true });
      assert.strictEqual(resumed.errors.status, 'done', resumed.errors.error?.message);
      assert.ok(resumed.errors.known >= stopped.errors.done, `${resumed.errors.known} known after ${stopped.errors.done} done`);
      // Tensors priced before the cancel were saved: fewer values to quantize now (the same when it stopped before the first).
      const pricedBefore = stopped.errors.done - stopped.errors.known;
      assert.ok(pricedBefore > 0 ? resumed.errors.values < stopped.errors.values : resumed.errors.values === stopped.errors.values, `${resumed.errors.values} vs ${stopped.errors.values}`);
    } finally {
      await config.update('workerThreads', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

describe('Plan Mixed Precision: targets', () => {
  afterEach(closeAllEditors);

  it('plans a Hugging Face checkpoint for ModelOpt with its stock recipe and previews its exports; a tool that does not apply is refused in one line', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const file = repoPath(...HF_LLAMA);
    const first = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file });
    assert.deepStrictEqual(first.inputs?.targets.filter((t) => t.disabled === null).map((t) => t.name), ['llama.cpp', 'modelopt', 'torchao', 'llm-compressor']);
    assert.match(first.inputs?.targets.find((t) => t.name === 'onnxruntime')?.disabled ?? '', /ONNX graphs/);
    // it opens on ModelOpt, the CLI's default for a checkpoint (one function decides: core defaultPlanTarget)
    assert.strictEqual(first.inputs?.target, 'modelopt');
    assert.strictEqual(first.plan?.label, 'NVFP4_DEFAULT_CFG');

    const settings: PlanSettings = { target: 'modelopt', plan: { kind: 'preset', preset: 'NVFP4_DEFAULT_CFG' }, reference: 'FP8_DEFAULT_CFG' };
    // Switching target starts from its defaults; then the settings of that target apply.
    await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings });
    const state = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings });
    assert.strictEqual(state.status, 'ready', state.error?.message);
    const tensors = await openTargetModel([file]);
    const core = planTargetPreset(PLAN_TARGETS.modelopt, tensors, 'NVFP4_DEFAULT_CFG');
    assert.deepStrictEqual(state.plan?.rows.map((r) => [r.name, r.type, r.bytes]), core.tensors.map((t) => [t.name, t.type, t.bytes]));
    assert.strictEqual(state.reference?.label, 'FP8_DEFAULT_CFG');
    assert.deepStrictEqual(state.exportTargets, ['modelopt', 'modelopt-hf']);
    assert.strictEqual(state.inputs?.imatrixOffered, false);
    assert.deepStrictEqual(state.inputs?.candidates, ['nvfp4', 'fp8', 'keep']);
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.planLabel === 'NVFP4_DEFAULT_CFG');

    const out = path.join(tempDir('quantlens-plan-'), 'quant_cfg.json');
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.savePlanExport', { tool: 'modelopt-hf', file: out }), out);
    assert.strictEqual(fs.readFileSync(out, 'utf8'), exportFor('modelopt-hf', 'modelopt').write(core, tensors));

    const onnx = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', {
      settings: { target: 'onnxruntime', plan: { kind: 'preset', preset: 'MatMulNBits' }, reference: 'MatMulNBits' },
    });
    assert.strictEqual(onnx.status, 'failed');
    assert.match(onnx.error?.message ?? '', /ONNX Runtime quantizes ONNX graphs/);
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.error === onnx.error?.message);
  });

  it('ModelOpt under a budget: errors through the worker pool equal the CLI\'s, the slider re-solves without a sweep, recipes are points, the export is the CLI\'s', async function () {
    this.timeout(240_000);
    const quantlens = await api();
    const file = freshCopy(repoPath(...HF_LLAMA));
    const opened = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { file });
    assert.strictEqual(opened.status, 'ready', opened.error?.message);
    const modelopt: PlanSettings = { target: 'modelopt', plan: { kind: 'preset', preset: 'FP8_DEFAULT_CFG' }, reference: 'FP8_DEFAULT_CFG' };
    // Switching target starts from its defaults; then the settings of that target apply.
    await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings: modelopt });
    await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings: modelopt });
    const solved = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { computeErrors: true });
    assert.strictEqual(solved.errors.status, 'done', solved.errors.error?.message);
    assert.strictEqual(solved.status, 'ready', solved.error?.message);
    assert.strictEqual(solved.settings?.target, 'modelopt');
    assert.strictEqual(solved.settings?.plan.kind, 'budget', 'the solver\'s plan at the reference\'s size');
    assert.ok(solved.errors.values > 0, 'a file never planned: errors computed');
    const range = solved.budgetRange;
    assert.ok(range && range.minBytes < range.maxBytes, JSON.stringify(range));
    // Every ModelOpt recipe is a point of the chart, priced by the same errors.
    assert.deepStrictEqual(solved.pareto?.presets.map((p) => p.label), solved.inputs?.presets);
    assert.strictEqual(solved.reference?.label, 'FP8_DEFAULT_CFG');
    assert.ok(solved.reference.damage !== null && solved.reference.rows.some((r) => r.relErr !== null && r.relErr > 0), 'the recipe compared against is priced');
    await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'plan' && i.rendered.chartsDrawn >= 1 && (i.rendered.plan.planLabel ?? '').endsWith('bpw plan'));

    // The slider: each budget re-solves at once, and no error is computed again.
    const at = async (bytes: number): Promise<PlanPanelState> => {
      const settings: PlanSettings = { target: 'modelopt', plan: { kind: 'budget', unit: 'bytes', value: bytes }, reference: 'FP8_DEFAULT_CFG' };
      const started = Date.now();
      const state = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings });
      assert.ok(Date.now() - started < 2_000, `re-solving took ${Date.now() - started} ms`);
      assert.strictEqual(state.status, 'ready', state.error?.message);
      assert.ok((state.plan?.totalBytes ?? Infinity) <= bytes, `${state.plan?.totalBytes} > ${bytes}`);
      assert.deepStrictEqual(state.errors, solved.errors, 'no sweep while re-solving');
      return state;
    };
    const low = await at(Math.round(range.minBytes + 0.25 * (range.maxBytes - range.minBytes)));
    const budget = Math.round(range.minBytes + 0.6 * (range.maxBytes - range.minBytes));
    const high = await at(budget);
    assert.ok((high.plan?.damage ?? Infinity) < (low.plan?.damage ?? 0), `${high.plan?.damage} < ${low.plan?.damage}`);
    await waitForInspector(quantlens, file, (i) => i.rendered?.plan.planBytes === high.plan?.totalBytes);

    // The CLI at the same budget: the same types, bytes, errors and damage, and the same export.
    const cliOut = path.join(tempDir('quantlens-plan-cli-'), 'quant_cfg.json');
    const cli = await runCli('plan', file, '--target', 'modelopt', '--budget-bytes', String(budget), '--json', '--no-cache', '--export', 'modelopt', '--out', cliOut);
    assert.strictEqual(cli.code, 0, cli.stderr);
    const want = JSON.parse(cli.stdout) as { tensors: { name: string; type: string; bytes: number; predicted: { relErr: number; damage: number } }[]; predictedDamage: number };
    assert.deepStrictEqual(high.plan?.rows.map((r) => [r.name, r.type, r.bytes, r.relErr, r.damage]), want.tensors.map((t) => [t.name, t.type, t.bytes, t.predicted.relErr, t.predicted.damage]));
    assert.strictEqual(high.plan?.damage, want.predictedDamage);
    const saved = path.join(tempDir('quantlens-plan-'), 'quant_cfg.json');
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.savePlanExport', { tool: 'modelopt', file: saved }), saved);
    assert.strictEqual(fs.readFileSync(saved, 'utf8'), fs.readFileSync(cliOut, 'utf8'));
    const cfg = JSON.parse(fs.readFileSync(saved, 'utf8')) as unknown;
    assert.ok(Array.isArray(cfg) || typeof cfg === 'object', 'the quant_cfg reads back as JSON');
    await waitForInspector(quantlens, file, (i) => (i.rendered?.plan.exportPreviewLines ?? 0) > 0);

    // Back to llama.cpp and to ModelOpt again: its errors and solver are kept, its budget plan comes back without a sweep.
    await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings: { target: 'llama.cpp', plan: { kind: 'preset', preset: 'Q4_K_M' }, reference: 'Q4_K_M' } });
    const back = await vscode.commands.executeCommand<PlanPanelState>('quantlens.planMixedPrecision', { settings: { target: 'modelopt', plan: { kind: 'preset', preset: 'FP8_DEFAULT_CFG' }, reference: 'FP8_DEFAULT_CFG' } });
    assert.strictEqual(back.settings?.plan.kind, 'budget');
    assert.deepStrictEqual(back.errors, solved.errors);
  });
});
