// Drives the packaged extension in code-server through Chromium: select the BF16 reference and a
// llama-quantize Q4_K_M file in the explorer, "Compare With...", then check the Compare panel lists
// the CLI core's pairs and findings, sorts, filters, opens a pair's histograms from the keyboard,
// nothing overflows its width, no CSP violation. Then the routes through open dialogs (code-server's
// simple file dialog, paths typed): from the palette (reference, then candidate; Escape on either
// dialog opens nothing), and one file selected in the explorer (its reference asked for; Escape opens
// nothing); no error shown (run once per theme by run-e2e.sh).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchLocalBrowser, requireEnv } from '../../scripts/host/browser';
import { runCompare } from '../../src/cli/commands/compare';
import type { CompareOutcome } from '../../src/shared/compareTypes';
import { assertCleanPage, assertPainted, eventually, eventuallyEqual, MOUSE_REST, openWorkbench, runCommand, STEP_TIMEOUT_MS, watchPage, webview, WEBVIEW_IFRAME } from './page';

/** Copied into the workspace by run-e2e.sh from test/fixtures (plan/hf-llama, compare/q2_k.gguf). */
const REFERENCE = 'reference.safetensors';
/** Labelled Q2_K but half its quantized bytes are other types: a finding on top. */
const CANDIDATE = 'q2_k.gguf';

/** The palette route's reference sits in a folder of its own, so the candidate's dialog must open next to it, not in the workspace. */
const ORIGINAL_DIR = 'original';

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

/** A file's row in the explorer. */
const explorerRow = (page: Page, name: string): Locator => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();

/** Selects the two files in the explorer (click, ctrl+click) and runs "Compare With..." from its context menu. */
async function compareFromExplorer(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: STEP_TIMEOUT_MS });
  const row = (name: string): Locator => explorerRow(page, name);
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
  await compareFromContextMenu(page, row(CANDIDATE));
}

/**
 * Right-clicks an explorer row and clicks "Compare With..." in its context menu. A menu opened
 * before the workbench has QuantLens's contributions lacks the item and never gains it: it is
 * closed and opened again until the item is there.
 */
async function compareFromContextMenu(page: Page, row: Locator): Promise<void> {
  const menu = page.locator('.monaco-menu').first();
  const item = menu.locator('.action-item', { hasText: 'Compare With...' }).first();
  await eventually(async () => {
    await row.click({ button: 'right' });
    await menu.waitFor({ timeout: STEP_TIMEOUT_MS });
    if (await item.count() > 0) return true;
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    return false;
  }, (found) => found, '"Compare With..." in the explorer\'s context menu');
  await item.click();
  if (!(await menu.waitFor({ state: 'hidden', timeout: MENU_CLOSE_MS }).then(() => true, () => false))) await item.click();
}

/** What "Compare With..."'s open dialogs say (title, accept button): the user reads them to know which file is asked for. */
interface DialogText {
  readonly title: string;
  readonly accept: string;
}
const ASK_REFERENCE: DialogText = { title: 'QuantLens: the reference (original) file', accept: 'Reference' };
const askCandidateOf = (reference: string): DialogText => ({ title: `QuantLens: the candidate to compare with ${reference}`, accept: 'Candidate' });
const askReferenceOf = (candidate: string): DialogText => ({ title: `QuantLens: the original to compare ${candidate} with`, accept: 'Reference' });

const QUICK_INPUT = '.quick-input-widget';
const EDITOR_TABS = '.editor-group-container .tabs-container .tab';

/**
 * Waits for code-server's open dialog (VS Code's simple file dialog, a quick input holding a path)
 * to show `text`, opened in `folder`.
 */
async function awaitDialog(page: Page, text: DialogText, folder: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  await eventuallyEqual(async () => (await widget.isVisible()) ? await widget.locator('.quick-input-title').textContent() : null, text.title, 'the open dialog\'s title');
  await eventuallyEqual(() => widget.locator('.quick-input-action .monaco-button').first().textContent(), text.accept, 'the open dialog\'s button');
  await eventuallyEqual(() => widget.locator('input').inputValue(), `${folder}/`, 'the folder the open dialog opens in');
}

/**
 * An Enter that lands while the open dialog is still listing the typed path's folder only lists it
 * (the dialog stays, seen once here): after this long, Enter is pressed again, as a user would.
 */
const ACCEPT_WAIT_MS = 5_000;

/** Types a file's path over the dialog's folder, as a user would, and accepts it with Enter. */
async function typeIntoDialog(page: Page, file: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  const input = widget.locator('input');
  const title = await widget.locator('.quick-input-title').textContent();
  const asking = async (): Promise<boolean> => (await widget.isVisible()) && (await widget.locator('.quick-input-title').textContent()) === title;
  await eventually(async () => {
    if ((await input.inputValue()) !== file) {
      await input.press('Control+A');
      await page.keyboard.type(file);
      // the dialog completes names as they are typed: the full path must stand before Enter
      await eventuallyEqual(() => input.inputValue(), file, 'the typed path');
    }
    await page.keyboard.press('Enter');
    return eventually(asking, (still) => !still, 'the dialog closes', ACCEPT_WAIT_MS).then(() => true, () => false);
  }, (taken) => taken, `the dialog "${title}" takes ${file}`);
}

/** Closes every editor (a Compare panel left open would pass for the next one). */
async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors', []);
  await eventuallyEqual(() => page.locator(EDITOR_TABS).count(), 0, 'no editor open');
}

/** The reference and candidate names of every row, sorted. */
async function pairsShown(frame: FrameLocator): Promise<string[]> {
  const [references, candidates] = [await columnTexts(frame, 1), await columnTexts(frame, 2)];
  return references.map((r, i) => `${r} -> ${candidates[i]}`).sort();
}

const pairsOf = (outcome: CompareOutcome): string[] => outcome.pairs.map((p) => `${p.reference} -> ${p.candidate}`).sort();

/** The visible webview is a finished Compare panel of `candidate` against `reference`, showing `expected`'s pairs. */
async function assertComparePanel(frame: FrameLocator, theme: string, reference: string, candidate: string, expected: CompareOutcome): Promise<void> {
  await frame.locator('#cmp-title').waitFor({ timeout: STEP_TIMEOUT_MS });
  await frame.locator('#app[data-status="done"]').waitFor({ timeout: STEP_TIMEOUT_MS });
  await frame.locator(`body.vscode-${theme}`).waitFor({ timeout: STEP_TIMEOUT_MS });
  await eventuallyEqual(() => frame.locator('#cmp-title').textContent(), `${candidate} against ${reference}`, 'the panel\'s reference and candidate');
  await eventuallyEqual(() => frame.locator('#pair-table tbody tr').count(), expected.pairs.length, 'one row per pair');
  await eventuallyEqual(() => pairsShown(frame), pairsOf(expected), 'the CLI core\'s pairs');
}

/** Error dialogs on screen (a command that throws when run from the palette shows one). */
const errorDialogs = (page: Page): Promise<string[]> => page.locator('.monaco-dialog-box').allTextContents();

/** The errors shown: modal dialogs, and the error notifications of the notification center (opened, read, closed). */
async function errorsShown(page: Page): Promise<string[]> {
  const dialogs = await errorDialogs(page);
  if (dialogs.length > 0) return dialogs;
  await runCommand(page, 'Notifications: Show Notifications', []);
  const center = page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const errors = await center.locator('.notification-list-item', { has: page.locator('.codicon-error') }).allTextContents();
  await runCommand(page, 'Notifications: Hide Notifications', []);
  await center.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  return errors;
}

/**
 * The routes through open dialogs. Palette, Escape on the first dialog, then on the second: no
 * panel. Palette again: reference (in its own folder), then candidate (the dialog opens next to the
 * reference). One file selected in the explorer: it is the candidate, the dialog asks for its
 * reference (Escape first: no panel). No error dialog or notification.
 */
async function compareThroughDialogs(page: Page, workspace: string, theme: string, expected: CompareOutcome): Promise<void> {
  const original = path.join(workspace, ORIGINAL_DIR);
  const [reference, nearReference, candidate] = [path.join(workspace, REFERENCE), path.join(original, REFERENCE), path.join(workspace, CANDIDATE)];
  await closeAllEditors(page);

  await runCommand(page, 'QuantLens: Compare With...', []);
  await awaitDialog(page, ASK_REFERENCE, workspace);
  await page.keyboard.press('Escape');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  await runCommand(page, 'QuantLens: Compare With...', []);
  await awaitDialog(page, ASK_REFERENCE, workspace);
  await typeIntoDialog(page, nearReference);
  await awaitDialog(page, askCandidateOf(REFERENCE), original);
  await page.keyboard.press('Escape');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  assert.deepStrictEqual(await errorsShown(page), [], 'no error after Escape');
  step('Escape on either dialog');

  // The commands run in order: a panel from the cancelled ones would be open when this one's shows.
  await runCommand(page, 'QuantLens: Compare With...', []);
  await awaitDialog(page, ASK_REFERENCE, workspace);
  await typeIntoDialog(page, nearReference);
  await awaitDialog(page, askCandidateOf(REFERENCE), original);
  await typeIntoDialog(page, candidate);
  await assertComparePanel(webview(page), theme, REFERENCE, CANDIDATE, expected);
  await eventuallyEqual(() => page.locator(EDITOR_TABS).allTextContents(), [`${REFERENCE} ↔ ${CANDIDATE}`], 'one Compare panel: none from the cancelled dialogs');
  step('palette: reference, then candidate');

  await closeAllEditors(page);
  const row = explorerRow(page, CANDIDATE);
  await row.click();
  await eventually(async () => [await row.getAttribute('aria-selected'), await explorerRow(page, REFERENCE).getAttribute('aria-selected')], ([c, r]) => c === 'true' && r !== 'true', 'the candidate alone selected');
  await compareFromContextMenu(page, row);
  await awaitDialog(page, askReferenceOf(CANDIDATE), workspace);
  await page.keyboard.press('Escape');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  await compareFromContextMenu(page, row);
  await awaitDialog(page, askReferenceOf(CANDIDATE), workspace);
  await typeIntoDialog(page, reference);
  await assertComparePanel(webview(page), theme, REFERENCE, CANDIDATE, expected);
  await eventuallyEqual(() => page.locator(EDITOR_TABS).allTextContents(), [`${REFERENCE} ↔ ${CANDIDATE}`], 'one Compare panel: none from the cancelled dialog');
  step('one file in the explorer: Escape, then its reference from the dialog');

  assert.deepStrictEqual(await errorsShown(page), [], 'no error at the end');
}

async function main(): Promise<void> {
  const outDir = requireEnv('OUT_DIR');
  const shotDir = requireEnv('SCREENSHOT_DIR');
  const workspace = requireEnv('WORKSPACE');
  const theme = requireEnv('THEME');
  fs.mkdirSync(path.join(workspace, ORIGINAL_DIR), { recursive: true });
  fs.copyFileSync(path.join(workspace, REFERENCE), path.join(workspace, ORIGINAL_DIR, REFERENCE));
  const expected = await runCompare(path.join(workspace, REFERENCE), path.join(workspace, CANDIDATE), { kind: 'auto' });
  const browser = await launchLocalBrowser(outDir);
  const { page } = browser;
  const watch = await watchPage(page);
  try {
    await openWorkbench(page, workspace);
    await compareFromExplorer(page);
    const frame = webview(page);
    // The Compare panel itself (not another webview), finished; the first selected file is the reference.
    await assertComparePanel(frame, theme, REFERENCE, CANDIDATE, expected);
    const rows = frame.locator('#pair-table tbody tr');
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

    await compareThroughDialogs(page, workspace, theme, expected);
    assertCleanPage(watch);
    console.log('E2E COMPARE OK');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'e2e-compare-failure.png') }).catch(() => undefined);
    // a modal error (a command that threw) blocks every later step: say so
    const dialogs = await errorDialogs(page).catch(() => []);
    if (dialogs.length > 0) console.error(`error dialog on screen: ${dialogs.join(' | ')}`);
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
