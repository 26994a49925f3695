// Drives the packaged extension in code-server through Chromium: select the BF16 reference and a
// llama-quantize Q4_K_M file in the explorer, "Compare With...", then check the Compare panel lists
// the CLI core's pairs and findings, sorts, filters, opens a pair's histograms from the keyboard,
// nothing overflows its width, no CSP violation (run once per theme by run-e2e.sh).
import * as assert from 'assert';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchLocalBrowser, requireEnv } from '../../scripts/host/browser';
import { runCompare } from '../../src/cli/commands/compare';

/** Copied into the workspace by run-e2e.sh from test/fixtures (plan/hf-llama, compare/q2_k.gguf). */
const REFERENCE = 'reference.safetensors';
/** Labelled Q2_K but half its quantized bytes are other types: a finding on top. */
const CANDIDATE = 'q2_k.gguf';
const STEP_TIMEOUT_MS = 60_000;
const WEBVIEW_IFRAME = 'iframe.webview.ready:visible';
/** Where the mouse rests for screenshots: the status bar, where no hover shows over the webview. */
const MOUSE_REST = { x: 700, y: 895 };

const step = (m: string): void => console.log(`[e2e compare] ${m}`);

function webview(page: Page): FrameLocator {
  return page.frameLocator(WEBVIEW_IFRAME).frameLocator('iframe#active-frame');
}

/** True when a canvas has at least one painted pixel that differs from its first pixel. */
async function canvasPainted(canvas: Locator): Promise<boolean> {
  return canvas.evaluate((node) => {
    const c = node as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) return false;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 4; i < data.length; i += 4) {
      if (data[i + 3] !== 0 && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3])) return true;
    }
    return false;
  });
}

async function columnTexts(frame: FrameLocator, index: number): Promise<string[]> {
  return frame.locator(`#pair-table tbody tr td:nth-child(${index})`).allTextContents();
}

const sqnrValue = (t: string): number => (t === 'exact' ? Infinity : parseFloat(t));

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
  await row(CANDIDATE).click({ modifiers: ['Control'] });
  await row(CANDIDATE).click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Compare With...' }).first();
  await item.waitFor({ timeout: STEP_TIMEOUT_MS });
  await item.click();
}

async function main(): Promise<void> {
  const outDir = requireEnv('OUT_DIR');
  const shotDir = requireEnv('SCREENSHOT_DIR');
  const workspace = requireEnv('WORKSPACE');
  const theme = requireEnv('THEME');
  const expected = await runCompare(path.join(workspace, REFERENCE), path.join(workspace, CANDIDATE), { kind: 'auto' });
  const browser = await launchLocalBrowser(outDir);
  const { page } = browser;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Log.enable');
  cdp.on('Log.entryAdded', ({ entry }) => { if (/Content Security Policy|Refused to/i.test(entry.text)) cspViolations.push(entry.text); });
  try {
    await page.goto(`${requireEnv('CS_URL')}/?folder=${encodeURIComponent(workspace)}`);
    await compareFromExplorer(page);
    const frame = webview(page);
    await frame.locator('#app[data-status="done"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator(`body.vscode-${theme}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.strictEqual(await frame.locator('#cmp-title').textContent(), `${CANDIDATE} against ${REFERENCE}`, 'the first selected file is the reference');
    const rows = frame.locator('#pair-table tbody tr');
    assert.strictEqual(await rows.count(), expected.pairs.length, 'one row per pair');
    assert.deepStrictEqual([...await columnTexts(frame, 2)].sort(), expected.pairs.map((p) => p.candidate).sort(), 'the CLI core\'s pairs');
    assert.strictEqual(await frame.locator('#findings li').count(), expected.findings.length, 'the CLI core\'s findings');
    assert.ok(expected.findings.some((f) => f.kind === 'file-type-mix'), 'the fixture is mislabelled');
    await frame.locator('#findings li[data-kind="file-type-mix"]', { hasText: 'labelled Q2_K' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step(`${expected.pairs.length} pairs, ${expected.findings.length} findings`);

    // Worst SQNR first by default; a click on SQNR flips it, a click on candidate sorts names.
    const ascending = (await columnTexts(frame, 5)).map(sqnrValue);
    assert.deepStrictEqual(ascending, [...ascending].sort((a, b) => a - b), 'sorted by SQNR, worst first');
    await frame.locator('button[data-column="sqnr"]').click();
    await frame.locator('th[aria-sort="descending"] button[data-column="sqnr"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const descending = (await columnTexts(frame, 5)).map(sqnrValue);
    assert.deepStrictEqual(descending, [...descending].sort((a, b) => b - a), 'sorted by SQNR, best first');
    await frame.locator('button[data-column="sqnr"]').click();
    await frame.locator('th[aria-sort="ascending"] button[data-column="sqnr"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    step('sorted by SQNR both ways');

    // Filter: every word must appear; the count says how many are shown.
    const filtered = expected.pairs.filter((p) => `${p.reference} ${p.candidate}`.includes('attn_q'));
    await frame.locator('#pair-filter').fill('attn_q');
    await frame.locator('#pair-count', { hasText: `${filtered.length} of ${expected.pairs.length} pairs` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.ok((await columnTexts(frame, 2)).every((n) => n.includes('attn_q')), 'only attn_q rows');
    assert.ok((await columnTexts(frame, 4)).every((t) => t === 'rope-permute'), 'Q is matched through the rotary permutation');
    await frame.locator('#pair-filter').fill('');
    await frame.locator('#pair-count', { hasText: `${expected.pairs.length} of ${expected.pairs.length} pairs` }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step(`filter "attn_q": ${filtered.length} rows`);

    // Keyboard (worst SQNR first again): ArrowDown from the first row, Enter opens the second pair's histograms.
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = (await rows.nth(1).locator('td').nth(1).textContent()) ?? '';
    await frame.locator('#drill-title', { hasText: second }).waitFor({ timeout: STEP_TIMEOUT_MS });
    for (const id of ['reference-chart', 'candidate-chart', 'error-chart']) {
      const canvas = frame.locator(`canvas#${id}`);
      await canvas.waitFor({ timeout: STEP_TIMEOUT_MS });
      assert.ok(await canvasPainted(canvas), `${id} is not blank`);
    }
    assert.strictEqual(await rows.nth(1).getAttribute('aria-selected'), 'true');
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
    assert.strictEqual(await frame.locator('#findings li[data-kind="file-type-mix"]').count(), 0, 'no label finding for a safetensors candidate');
    step('swapped sides');
    assert.deepStrictEqual(cspViolations, [], 'no CSP violations');
    assert.deepStrictEqual(pageErrors.filter((e) => /quantlens|webview/i.test(e)), [], 'no errors from the webview');
    console.log('E2E COMPARE OK');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'e2e-compare-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
