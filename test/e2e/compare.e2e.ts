// Drives the packaged extension in code-server through Chromium: select the BF16 reference and a
// llama-quantize Q4_K_M file in the explorer, "Compare With...", then check the Compare panel lists
// the CLI core's pairs and findings, sorts, filters, opens a pair's histograms from the keyboard,
// nothing overflows its width, no CSP violation (run once per theme by run-e2e.sh).
import * as assert from 'assert';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchLocalBrowser, requireEnv } from '../../scripts/host/browser';
import { runCompare } from '../../src/cli/commands/compare';
import { assertCleanPage, assertPainted, eventually, eventuallyEqual, MOUSE_REST, openWorkbench, STEP_TIMEOUT_MS, watchPage, webview, WEBVIEW_IFRAME } from './page';

/** Copied into the workspace by run-e2e.sh from test/fixtures (plan/hf-llama, compare/q2_k.gguf). */
const REFERENCE = 'reference.safetensors';
/** Labelled Q2_K but half its quantized bytes are other types: a finding on top. */
const CANDIDATE = 'q2_k.gguf';

const step = (m: string): void => console.log(`[e2e compare] ${m}`);

/** A ctrl+click that lands while the workbench is busy can be lost: it is tried this often, each given this long to show. */
const SELECT_ATTEMPTS = 3;
const SELECT_WAIT_MS = 5_000;
/** A context menu still open this long after a click on its item did not take the click (seen once in CI: the item highlighted, the menu open). */
const MENU_CLOSE_MS = 3_000;

async function columnTexts(frame: FrameLocator, index: number): Promise<string[]> {
  return frame.locator(`#pair-table tbody tr td:nth-child(${index})`).allTextContents();
}

const sqnrValue = (t: string): number => (t === 'exact' ? Infinity : parseFloat(t));

/** Whether values are in ascending (direction 1) or descending (-1) order. */
const sorted = (values: readonly number[], direction: 1 | -1): boolean => values.every((v, i) => i === 0 || (direction === 1 ? v >= values[i - 1]! : v <= values[i - 1]!));

/** Elements of the panel reaching past the webview's right edge (outside the table's own scroll box), and whether the page scrolls sideways. */
async function overflow(frame: FrameLocator): Promise<{ wide: boolean; past: string[] }> {
  return frame.locator('#app').evaluate((app) => {
    const width = document.documentElement.clientWidth;
    const past = [...app.querySelectorAll('*')]
      .filter((n) => !n.closest('.cmp-table-box') && n.getBoundingClientRect().right > width + 1)
      .map((n) => `${n.tagName.toLowerCase()}#${n.id}.${n.className} right ${Math.round(n.getBoundingClientRect().right)} > ${width}`);
    return { wide: document.documentElement.scrollWidth > width, past };
  });
}

/** Selects the two files in the explorer (click, ctrl+click) and runs "Compare With..." from its context menu. */
async function compareFromExplorer(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: STEP_TIMEOUT_MS });
  const row = (name: string): Locator => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
  await row(REFERENCE).waitFor({ timeout: STEP_TIMEOUT_MS });
  await row(REFERENCE).click();
  await eventuallyEqual(() => row(REFERENCE).getAttribute('aria-selected'), 'true', 'the reference is selected');
  const selected = async (name: string): Promise<boolean> => (await row(name).getAttribute('aria-selected')) === 'true';
  for (let attempt = 0; attempt < SELECT_ATTEMPTS && !(await selected(CANDIDATE)); attempt++) {
    await row(CANDIDATE).click({ modifiers: ['Control'] });
    // let this click show before another: a second ctrl+click would toggle it off
    await eventually(() => selected(CANDIDATE), (s) => s, 'the candidate is selected', SELECT_WAIT_MS).catch(() => undefined);
  }
  await eventually(async () => (await selected(REFERENCE)) && (await selected(CANDIDATE)), (both) => both, 'both files selected in the explorer');
  await row(CANDIDATE).click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Compare With...' }).first();
  await item.waitFor({ timeout: STEP_TIMEOUT_MS });
  await item.click();
  const menu = page.locator('.monaco-menu').first();
  if (!(await menu.waitFor({ state: 'hidden', timeout: MENU_CLOSE_MS }).then(() => true, () => false))) await item.click();
}

async function main(): Promise<void> {
  const outDir = requireEnv('OUT_DIR');
  const shotDir = requireEnv('SCREENSHOT_DIR');
  const workspace = requireEnv('WORKSPACE');
  const theme = requireEnv('THEME');
  const expected = await runCompare(path.join(workspace, REFERENCE), path.join(workspace, CANDIDATE), { kind: 'auto' });
  const browser = await launchLocalBrowser(outDir);
  const { page } = browser;
  const watch = await watchPage(page);
  try {
    await openWorkbench(page, workspace);
    await compareFromExplorer(page);
    const frame = webview(page);
    // The Compare panel itself (not another webview), finished.
    await frame.locator('#cmp-title').waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator('#app[data-status="done"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator(`body.vscode-${theme}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventuallyEqual(() => frame.locator('#cmp-title').textContent(), `${CANDIDATE} against ${REFERENCE}`, 'the first selected file is the reference');
    const rows = frame.locator('#pair-table tbody tr');
    await eventuallyEqual(() => rows.count(), expected.pairs.length, 'one row per pair');
    await eventuallyEqual(async () => [...await columnTexts(frame, 2)].sort(), expected.pairs.map((p) => p.candidate).sort(), 'the CLI core\'s pairs');
    await eventuallyEqual(() => frame.locator('#findings li').count(), expected.findings.length, 'the CLI core\'s findings');
    assert.ok(expected.findings.some((f) => f.kind === 'file-type-mix'), 'the fixture is mislabelled');
    await frame.locator('#findings li[data-kind="file-type-mix"]', { hasText: 'labelled Q2_K' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step(`${expected.pairs.length} pairs, ${expected.findings.length} findings`);

    // Worst SQNR first by default; a click on SQNR flips it.
    const sqnrColumn = async (): Promise<number[]> => (await columnTexts(frame, 5)).map(sqnrValue);
    await eventually(sqnrColumn, (v) => v.length === expected.pairs.length && sorted(v, 1), 'sorted by SQNR, worst first');
    await frame.locator('button[data-column="sqnr"]').click();
    await frame.locator('th[aria-sort="descending"] button[data-column="sqnr"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventually(sqnrColumn, (v) => v.length === expected.pairs.length && sorted(v, -1), 'sorted by SQNR, best first');
    await frame.locator('button[data-column="sqnr"]').click();
    await frame.locator('th[aria-sort="ascending"] button[data-column="sqnr"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventually(sqnrColumn, (v) => v.length === expected.pairs.length && sorted(v, 1), 'sorted by SQNR, worst first again');
    step('sorted by SQNR both ways');

    // Filter: every word must appear; the count says how many are shown.
    const filtered = expected.pairs.filter((p) => `${p.reference} ${p.candidate}`.includes('attn_q'));
    await frame.locator('#pair-filter').fill('attn_q');
    await frame.locator('#pair-count', { hasText: `${filtered.length} of ${expected.pairs.length} pairs` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventually(() => columnTexts(frame, 2), (names) => names.length === filtered.length && names.every((n) => n.includes('attn_q')), 'only attn_q rows');
    assert.ok((await columnTexts(frame, 4)).every((t) => t === 'rope-permute'), 'Q is matched through the rotary permutation');
    await frame.locator('#pair-filter').fill('');
    await frame.locator('#pair-count', { hasText: `${expected.pairs.length} of ${expected.pairs.length} pairs` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventuallyEqual(() => rows.count(), expected.pairs.length, 'every row back');
    step(`filter "attn_q": ${filtered.length} rows`);

    // Keyboard (worst SQNR first again): ArrowDown from the first row, Enter opens the second pair's histograms.
    const second = (await rows.nth(1).locator('td').nth(1).textContent()) ?? '';
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.locator('#drill-title', { hasText: second }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await assertPainted(frame, ['reference-chart', 'candidate-chart', 'error-chart']);
    await eventuallyEqual(() => rows.nth(1).getAttribute('aria-selected'), 'true', 'the second row is selected');
    step(`drilled down into ${second} from the keyboard`);

    const { wide, past } = await overflow(frame);
    assert.deepStrictEqual(past, [], 'nothing reaches past the panel\'s right edge');
    assert.strictEqual(wide, false, 'the panel does not scroll sideways');

    await page.mouse.move(MOUSE_REST.x, MOUSE_REST.y);
    await page.locator(WEBVIEW_IFRAME).first().screenshot({ path: path.join(shotDir, `compare-files-${theme}.png`) });

    // Swap sides: the same pairs the other way round, the GGUF's label no longer a finding.
    await frame.locator('#cmp-swap').click();
    await frame.locator('#cmp-title', { hasText: `${REFERENCE} against ${CANDIDATE}` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator('#app[data-status="done"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator('#pair-count', { hasText: `${expected.pairs.length} of ${expected.pairs.length} pairs` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventuallyEqual(() => frame.locator('#findings li[data-kind="file-type-mix"]').count(), 0, 'no label finding for a safetensors candidate');
    step('swapped sides');
    assertCleanPage(watch);
    console.log('E2E COMPARE OK');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'e2e-compare-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
