// Drives the packaged extension in code-server through Chromium: open the sample model, analyse,
// sort the error table, open a tensor from the keyboard, check the charts drew; calibrate and
// simulate PTQ on the bundled ONNX sample through the command palette and its quick picks; no CSP
// violations, and screenshots of every tab (run once per theme by run-e2e.sh).
import * as assert from 'assert';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import { launchLocalBrowser, requireEnv } from '../../scripts/host/browser';
import { assertCleanPage, assertPainted, eventually, eventuallyEqual, MOUSE_REST, openWorkbench, runCommand, STEP_TIMEOUT_MS, watchPage, webview, WEBVIEW_IFRAME } from './page';

const SAMPLE = 'model.safetensors';
/** A tiny LLaMA-shaped GGUF (test/fixtures/plan) for the Plan tab: run-e2e.sh copies it into the workspace. */
const PLAN_MODEL = 'llama-gqa.gguf';
/** A tiny Hugging Face LLaMA (test/fixtures/plan/hf-llama): the Plan tab plans it for ModelOpt too. */
const HF_MODEL = 'reference.safetensors';
const step = (m: string): void => console.log(`[e2e] ${m}`);

/** The sample MLP's float activations and PTQ rows (float + 3 weight-only + 1 activation-only + 3 both). */
const SAMPLE_ACTIVATIONS = 6;
const SAMPLE_PTQ_ROWS = 8;
/** Range methods compared besides minmax: each is a threshold line on the Tensor tab. */
const EXTRA_RANGES = ['percentile:99.99', 'mse', 'entropy', 'histogram'];
/** PTQ evaluates 8 variants over 1000 samples: tens of seconds on a busy 2-core machine. */
const PTQ_TIMEOUT_MS = 180_000;

async function openSample(page: Page, file = SAMPLE): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

/** Elements of the webview wider than the page, or whose content is wider than they are and not scrollable. */
async function overflowing(frame: FrameLocator, selector: string): Promise<string[]> {
  return frame.locator(selector).evaluateAll((nodes) => nodes.flatMap((n) => {
    const style = getComputedStyle(n);
    const scrolls = /(auto|scroll|hidden)/.test(style.overflowX) || style.textOverflow === 'ellipsis';
    const page = document.documentElement.clientWidth;
    const box = n.getBoundingClientRect();
    const out = box.right > page + 1 ? [`${n.id || n.className}: right edge ${Math.round(box.right)} > page ${page}`] : [];
    return !scrolls && n.scrollWidth > n.clientWidth + 1 ? [...out, `${n.id || n.className}: content ${n.scrollWidth} > ${n.clientWidth} px`] : out;
  }));
}

/** The Plan tab on a tiny LLaMA GGUF: opened by the command, the plan table, diff mode against another preset, the export shown before saving. */
async function planTab(page: Page, shotDir: string, theme: string): Promise<void> {
  await openSample(page, PLAN_MODEL);
  const frame = webview(page);
  await frame.locator('#file-name', { hasText: PLAN_MODEL }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await runCommand(page, 'QuantLens: Plan Mixed Precision', []);
  await frame.locator('#tab-plan[aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT_MS });
  const rows = frame.locator('#plan-table .vt-spacer .vt-row[data-key]');
  await rows.first().waitFor({ timeout: STEP_TIMEOUT_MS });
  const headings = frame.locator('#plan-table .vt-spacer .vt-group');
  await eventually(() => headings.count(), (n) => n >= 2, 'tensors grouped by layer');
  await frame.locator('#plan-summary', { hasText: 'Q4_K_M' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.deepStrictEqual(await cutCells(frame, 'plan-table'), [], 'no Plan header or footer text is cut');
  // Sort by bytes, largest first.
  await frame.locator('#plan-table button[data-sort-key="bytes"]').click();
  await frame.locator('#plan-table button[data-sort-key="bytes"]').click();
  await frame.locator('#plan-table [role="columnheader"][aria-sort="descending"] button[data-sort-key="bytes"]').waitFor({ timeout: STEP_TIMEOUT_MS });
  // Plan Q6_K, compared with Q4_K_M, differences only.
  await frame.locator('#plan-choice').selectOption('Q6_K');
  await frame.locator('#plan-summary', { hasText: 'Q6_K' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await frame.locator('#plan-diff').check();
  await frame.locator('#plan-table .vt-header', { hasText: 'What it buys' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  const sentence = await frame.locator('#plan-table .vt-spacer .vt-row[data-key] .col-reason').first().textContent();
  assert.match(sentence ?? '', /^Q4_K_M puts \S+ at \w+; this plan \(Q6_K\) (keeps it at|lowers it to|stores it as) \w+ for [+−±][\d.]+ % size/);
  assert.deepStrictEqual(await cutCells(frame, 'plan-table'), [], 'no diff header or footer text is cut');
  // The export, shown before it is saved.
  await frame.locator('#plan-export button[data-target="llama.cpp"]').click();
  const text = frame.locator('#plan-export-text');
  await text.waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.match((await text.textContent()) ?? '', /^\^token_embd\\\.weight\$=q6_K$/m);
  assert.match((await frame.locator('#plan-export-usage').textContent()) ?? '', /^llama-quantize --tensor-type-file \S+ llama-gqa\.gguf OUT\.gguf Q6_K$/);
  step('Plan tab: Q6_K against Q4_K_M, differences, the tensor-type file previewed');
  // The solver: errors once (worker pool), then the budget re-solves as the slider moves.
  await frame.locator('#plan-errors-start').click();
  const slider = frame.locator('#plan-budget-slider');
  await slider.waitFor({ state: 'visible', timeout: PTQ_TIMEOUT_MS });
  await frame.locator('#plan-summary', { hasText: 'bpw plan' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await assertPainted(frame, ['pareto-chart']);
  const presetLabels = await eventually(async () => JSON.parse((await frame.locator('canvas#pareto-chart').getAttribute('data-labels')) ?? '[]') as string[], (labels) => labels.length >= 2, 'preset points labelled');
  const before = await frame.locator('#plan-summary').textContent();
  await slider.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await frame.locator('#plan-summary').filter({ hasNotText: before ?? '' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await eventually(() => frame.locator('#plan-table .vt-spacer .vt-row[data-key]').count(), (n) => n > 0, 'differences from Q4_K_M listed');
  assert.deepStrictEqual(await overflowing(frame, '#panel-plan, #panel-plan .toolbar, #plan-summary, #plan-export-text'), [], 'nothing in the Plan tab overflows');
  await page.mouse.move(MOUSE_REST.x, MOUSE_REST.y);
  await page.locator(WEBVIEW_IFRAME).first().screenshot({ path: path.join(shotDir, `plan-${theme}.png`) });
  step(`Plan tab: errors computed, budget moved (${(await frame.locator('#plan-summary').textContent()) ?? ''}), preset points ${presetLabels.join(', ')}`);
}

/** The Plan tab for another tool: the Hugging Face checkpoint planned for ModelOpt, its errors computed, the budget moved, its export previewed. */
async function planOtherTarget(page: Page): Promise<void> {
  await openSample(page, HF_MODEL);
  const frame = webview(page);
  await frame.locator('#file-name', { hasText: HF_MODEL }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await runCommand(page, 'QuantLens: Plan Mixed Precision', []);
  await frame.locator('#tab-plan[aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT_MS });
  // a Hugging Face checkpoint opens on ModelOpt, as `quantlens plan` without --target plans it
  await frame.locator('#plan-summary', { hasText: 'NVFP4_DEFAULT_CFG' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.strictEqual(await frame.locator('#plan-target').inputValue(), 'modelopt');
  await eventuallyEqual(() => frame.locator('#plan-rules').textContent(), 'rules of modelopt stock recipes', 'ModelOpt\'s rules stated');
  await frame.locator('#plan-errors-start').click();
  const slider = frame.locator('#plan-budget-slider');
  await slider.waitFor({ state: 'visible', timeout: PTQ_TIMEOUT_MS });
  await frame.locator('#plan-summary', { hasText: 'bpw plan' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await assertPainted(frame, ['pareto-chart']);
  const labels = await eventually(async () => JSON.parse((await frame.locator('canvas#pareto-chart').getAttribute('data-labels')) ?? '[]') as string[],
    (l) => l.includes('NVFP4_DEFAULT_CFG') && l.includes('FP8_DEFAULT_CFG'), 'ModelOpt\'s recipes are points of the chart');
  // INT4_AWQ_CFG and W4A8_AWQ_BETA_CFG store the weights alike: one point, never one name hiding the other
  assert.ok(!labels.includes('INT4_AWQ_CFG') && !labels.includes('W4A8_AWQ_BETA_CFG'), labels.join(', '));
  // The budget starts at NVFP4's size; the slider's far end keeps more: a larger plan, less damage.
  const summary = async (): Promise<string> => (await frame.locator('#plan-summary').textContent()) ?? '';
  const before = await summary();
  await slider.focus();
  await page.keyboard.press('End');
  await eventually(summary, (t) => /bpw plan/.test(t) && t !== before, 'the plan re-solved at the new budget');
  await frame.locator('#plan-export button[data-target="modelopt"]').click();
  await eventually(async () => (await frame.locator('#plan-export-text').textContent()) ?? '', (t) => t.includes('"quant_cfg"'), 'ModelOpt\'s quant_cfg previewed');
  step(`Plan tab: ${HF_MODEL} for ModelOpt, errors computed, budget at the far end (${(await frame.locator('#plan-summary').textContent()) ?? ''}), recipe points ${labels.join(', ')}`);
}

async function sqnrColumn(frame: FrameLocator): Promise<number[]> {
  const cells = await frame.locator('#layers-table .vt-spacer .vt-row .col-sqnr').allTextContents();
  return cells.map((t) => (t === 'exact' ? Infinity : parseFloat(t)));
}

/** Header and footer cells of a virtual table whose text is cut (wider than the cell). */
async function cutCells(frame: FrameLocator, tableId: string): Promise<string[]> {
  const cells = frame.locator(`#${tableId} .vt-header .vt-cell, #${tableId} .vt-footer .vt-cell`);
  await cells.first().waitFor({ timeout: STEP_TIMEOUT_MS });
  return cells.evaluateAll((nodes) => nodes.filter((n) => n.scrollWidth > n.clientWidth).map((n) => `${n.textContent ?? ''} (${n.scrollWidth} > ${n.clientWidth} px)`));
}

interface Box { readonly text: string; readonly left: number; readonly top: number; readonly width: number; readonly height: number }

/** The threshold labels a chart drew (verticalLines leaves their boxes on the canvas): all placed, none overlapping, inside the canvas. */
async function assertLabelsApart(frame: FrameLocator, id: string, atLeast: number): Promise<void> {
  const canvas = frame.locator(`canvas#${id}`);
  const { boxes, width, height } = await canvas.evaluate((node) => ({
    boxes: JSON.parse((node as HTMLCanvasElement).dataset['labelBoxes'] ?? '[]') as (Box | null)[],
    width: node.clientWidth,
    height: node.clientHeight,
  }));
  assert.ok(boxes.length >= atLeast, `${id}: ${boxes.length} labels drawn, expected at least ${atLeast}`);
  const placed = boxes.filter((b): b is Box => b !== null);
  assert.strictEqual(placed.length, boxes.length, `${id}: every label has a place`);
  for (const b of placed) assert.ok(b.left >= 0 && b.top >= 0 && b.left + b.width <= width && b.top + b.height <= height, `${id}: "${b.text}" inside the canvas`);
  placed.forEach((a, i) => {
    for (const b of placed.slice(i + 1)) {
      const apart = a.left + a.width <= b.left || b.left + b.width <= a.left || a.top + a.height <= b.top || b.top + b.height <= a.top;
      assert.ok(apart, `${id}: labels "${a.text}" and "${b.text}" overlap`);
    }
  });
}

async function screenshots(page: Page, frame: FrameLocator, dir: string, theme: string): Promise<void> {
  const view = page.locator(WEBVIEW_IFRAME).first();
  for (const tab of ['overview', 'layers', 'tensor', 'compare'] as const) {
    await frame.locator(`#tab-${tab}`).click();
    await frame.locator(`#app[data-tab="${tab}"]`).waitFor({ timeout: STEP_TIMEOUT_MS });
    if (tab === 'tensor') await assertPainted(frame, ['values-chart', 'error-chart']);
    if (tab === 'compare') await assertPainted(frame, ['bits-chart', 'sensitivity-chart']);
    await view.screenshot({ path: path.join(dir, `${tab}-${theme}.png`) });
  }
  await page.screenshot({ path: path.join(dir, `workbench-${theme}.png`) });
}

async function main(): Promise<void> {
  const outDir = requireEnv('OUT_DIR');
  const shotDir = requireEnv('SCREENSHOT_DIR');
  // The workbench theme (set by run-e2e.sh): the webview's body carries vscode-dark / vscode-light.
  const theme = requireEnv('THEME');
  const browser = await launchLocalBrowser(outDir);
  const { page } = browser;
  const watch = await watchPage(page);
  try {
    await openWorkbench(page, requireEnv('WORKSPACE'));
    await openSample(page);
    const frame = webview(page);
    await frame.locator('#file-name', { hasText: SAMPLE }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step('inspector opened the sample');
    await assertPainted(frame, ['dtype-chart', 'group-chart']);
    await eventually(() => frame.locator('#size-table tbody tr').count(), (n) => n >= 7, 'size table lists every storage type');

    // The sample is small: it analyses on open. Add 2 bits and every range method, and run again from the header.
    await frame.locator('#progress-text', { hasText: 'done' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator('button[data-chip="INT2"]').click();
    for (const range of EXTRA_RANGES) await frame.locator(`button[data-chip="${range}"]`).click();
    await frame.locator('#analyze:not([disabled])').click();
    // The auto-analysis also ended in "done": wait for this run's configurations first.
    const configs = 3 * 2 * (EXTRA_RANGES.length + 1);
    await frame.locator('#config-select option').nth(configs - 1).waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
    await frame.locator('#progress-text', { hasText: 'done' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step('analysis finished');

    await frame.locator('#tab-layers').click();
    const rows = frame.locator('#layers-table .vt-spacer .vt-row[data-key]');
    await rows.first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventually(() => rows.count(), (n) => n >= 2, 'one row per tensor');
    await frame.locator('button[data-sort-key="sqnr"]').click();
    await frame.locator('[role="columnheader"][aria-sort="ascending"] button[data-sort-key="sqnr"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const sqnr = await eventually(() => sqnrColumn(frame), (v) => v.length >= 2 && v.every((x, i) => i === 0 || x >= v[i - 1]!), 'sorted by SQNR, ascending');
    step(`layers sorted by SQNR: ${sqnr.join(', ')}`);
    assert.deepStrictEqual(await cutCells(frame, 'layers-table'), [], 'no Layers header or footer text is cut');

    // Keyboard: focus the grid, move to the second row, Enter opens it in the Tensor tab.
    const secondName = await rows.nth(1).getAttribute('data-key');
    await frame.locator('#layers-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.locator('#tab-tensor[aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventuallyEqual(() => frame.locator('#tensor-select').inputValue(), secondName, 'the second row\'s tensor is shown');
    await assertPainted(frame, ['values-chart', 'error-chart', 'channel-chart']);
    await eventuallyEqual(() => frame.locator('#range-methods-table tbody tr').count(), EXTRA_RANGES.length + 1, 'a row (and a line) per range method');
    await frame.locator('#log-scale').check();
    await assertPainted(frame, ['values-chart']);
    // Two clip labels and a label per range method whose range ends inside the plot.
    await assertLabelsApart(frame, 'values-chart', 4);
    step(`tensor ${secondName} opened from the keyboard, charts drawn`);

    await frame.locator(`body.vscode-${theme}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    await screenshots(page, frame, shotDir, theme);
    step(`screenshots in ${shotDir}`);

    await planTab(page, shotDir, theme);
    await planOtherTarget(page);

    // Calibration: the workspace has no ONNX model, so the bundled sample is offered first; then its calib.npy.
    await runCommand(page, 'QuantLens: Calibrate Activations', ['Sample MLP', 'calib.npy']);
    const onnx = webview(page);
    await onnx.locator('#file-name', { hasText: 'model.onnx' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await onnx.locator('#calib-progress', { hasText: 'done' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await onnx.locator('#tab-calibration[aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const activations = onnx.locator('#activations-table .vt-spacer .vt-row[data-key]');
    await activations.nth(SAMPLE_ACTIVATIONS - 1).waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventuallyEqual(() => activations.count(), SAMPLE_ACTIVATIONS, 'one row per activation');
    // Sort by the entropy scale, then show the second activation's histogram from the keyboard.
    await onnx.locator('button[data-sort-key="scale:entropy"]').click();
    await onnx.locator('[role="columnheader"][aria-sort="ascending"] button[data-sort-key="scale:entropy"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const second = await activations.nth(1).getAttribute('data-key');
    await onnx.locator('#activations-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await onnx.locator('figcaption', { hasText: `Histogram of ${second ?? ''}` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await assertPainted(onnx, ['activation-chart']);
    // Log counts: the tails each method clips become visible.
    await onnx.locator('#calib-log-scale').check();
    await assertPainted(onnx, ['activation-chart']);
    assert.deepStrictEqual(await cutCells(onnx, 'activations-table'), [], 'no Calibration header text is cut');
    // The ends of each method's range are labelled (methods that pick the same value share a label).
    await assertLabelsApart(onnx, 'activation-chart', 4);
    await page.mouse.move(MOUSE_REST.x, MOUSE_REST.y);
    await page.locator(WEBVIEW_IFRAME).first().screenshot({ path: path.join(shotDir, `calibration-${theme}.png`) });
    step(`calibrated the sample: ${SAMPLE_ACTIVATIONS} activations, histogram of ${second}`);

    // PTQ on the open ONNX model: its test.npz is offered first.
    await runCommand(page, 'QuantLens: Simulate PTQ', ['test.npz']);
    await onnx.locator('#tab-ptq[aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await onnx.locator('#ptq-progress', { hasText: 'done' }).waitFor({ timeout: PTQ_TIMEOUT_MS });
    await eventuallyEqual(() => onnx.locator('#ptq-table tbody tr').count(), SAMPLE_PTQ_ROWS, 'one row per PTQ run');
    await eventuallyEqual(() => onnx.locator('#ptq-table tbody tr[data-run="float"] td').first().textContent(), '93.7 %', 'the float model\'s accuracy');
    await assertPainted(onnx, ['ptq-accuracy-chart', 'ptq-agreement-chart', 'ptq-layers-chart']);
    await page.mouse.move(MOUSE_REST.x, MOUSE_REST.y);
    await page.locator(WEBVIEW_IFRAME).first().screenshot({ path: path.join(shotDir, `ptq-${theme}.png`) });
    step('PTQ simulated: float 93.7 %, charts drawn');

    assertCleanPage(watch);
    console.log('E2E OK');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'e2e-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
