// Drives the packaged extension in code-server through Chromium: open the sample model, analyse,
// sort the error table, open a tensor from the keyboard, check the charts drew, no CSP
// violations, and screenshots of every tab (run once per theme by run-e2e.sh).
import * as assert from 'assert';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchLocalBrowser, requireEnv } from '../../scripts/host/browser';

const SAMPLE = 'model.safetensors';
/** Workbench steps (startup, the first webview) can take a while on a busy 2-core machine. */
const STEP_TIMEOUT_MS = 60_000;

const step = (m: string): void => console.log(`[e2e] ${m}`);

function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
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

async function assertPainted(frame: FrameLocator, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const canvas = frame.locator(`canvas#${id}`);
    await canvas.waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.ok(await canvasPainted(canvas), `${id} is not blank`);
  }
}

async function openSample(page: Page): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type(SAMPLE);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: SAMPLE }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

async function sqnrColumn(frame: FrameLocator): Promise<number[]> {
  const cells = await frame.locator('#layers-table .vt-spacer .vt-row .col-sqnr').allTextContents();
  return cells.map((t) => (t === 'exact' ? Infinity : parseFloat(t)));
}

async function screenshots(page: Page, frame: FrameLocator, dir: string, theme: string): Promise<void> {
  const view = page.locator('iframe.webview.ready').first();
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
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Log.enable');
  cdp.on('Log.entryAdded', ({ entry }) => { if (/Content Security Policy|Refused to/i.test(entry.text)) cspViolations.push(entry.text); });
  try {
    await page.goto(`${requireEnv('CS_URL')}/?folder=${encodeURIComponent(requireEnv('WORKSPACE'))}`);
    await openSample(page);
    const frame = webview(page);
    await frame.locator('#file-name', { hasText: SAMPLE }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step('inspector opened the sample');
    await assertPainted(frame, ['dtype-chart', 'group-chart']);
    assert.ok((await frame.locator('#size-table tbody tr').count()) >= 7, 'size table lists every storage type');

    // The sample is small: it analyses on open. Add 2 bits and run again from the header.
    await frame.locator('#progress-text', { hasText: 'done' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await frame.locator('button[data-chip="INT2"]').click();
    await frame.locator('#analyze:not([disabled])').click();
    await frame.locator('#progress-text', { hasText: 'done' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    step('analysis finished');

    await frame.locator('#tab-layers').click();
    const rows = frame.locator('#layers-table .vt-spacer .vt-row[data-key]');
    await rows.first().waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.ok((await rows.count()) >= 2, 'one row per tensor');
    await frame.locator('button[data-sort-key="sqnr"]').click();
    await frame.locator('[role="columnheader"][aria-sort="ascending"] button[data-sort-key="sqnr"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const sqnr = await sqnrColumn(frame);
    assert.deepStrictEqual(sqnr, [...sqnr].sort((a, b) => a - b), 'sorted by SQNR, ascending');
    step(`layers sorted by SQNR: ${sqnr.join(', ')}`);

    // Keyboard: focus the grid, move to the second row, Enter opens it in the Tensor tab.
    const secondName = await rows.nth(1).getAttribute('data-key');
    await frame.locator('#layers-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.locator('#tab-tensor[aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.strictEqual(await frame.locator('#tensor-select').inputValue(), secondName);
    await assertPainted(frame, ['values-chart', 'error-chart', 'channel-chart']);
    await frame.locator('#log-scale').check();
    await assertPainted(frame, ['values-chart']);
    step(`tensor ${secondName} opened from the keyboard, charts drawn`);

    await frame.locator(`body.vscode-${theme}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    await screenshots(page, frame, shotDir, theme);
    step(`screenshots in ${shotDir}`);

    assert.deepStrictEqual(cspViolations, [], 'no CSP violations');
    assert.deepStrictEqual(pageErrors.filter((e) => /quantlens|webview/i.test(e)), [], 'no errors from the webview');
    console.log('E2E OK');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'e2e-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
