// Runs the host suite inside code-server's Node extension host: the workbench URL's
// `payload` carries extensionDevelopmentPath / extensionTestsPath (VS Code's own
// test/integration/browser mechanism, since code-server rejects those flags). The
// extension host awaits the suite's run() and exits; the workbench reports the code
// through window.codeAutomationExit, and the host's console through codeAutomationLog.
import * as path from 'path';
import * as util from 'util';
import { launchLocalBrowser, requireEnv } from '../../scripts/host/browser';

async function main(): Promise<number> {
  const port = requireEnv('CS_PORT');
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(requireEnv('EXT_DEV_PATH'))],
    ['extensionTestsPath', remote(requireEnv('EXT_TESTS_PATH'))],
    ['skipWelcome', 'true'],
  ]);
  const url = `${requireEnv('CS_URL')}/?folder=${encodeURIComponent(requireEnv('WORKSPACE'))}&payload=${encodeURIComponent(payload)}`;
  const outDir = requireEnv('OUT_DIR');
  const browser = await launchLocalBrowser(outDir);
  const { page } = browser;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    (type === 'error' ? console.error : console.log)(line);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
  // The workbench itself failing to load never calls codeAutomationExit: fail fast then.
  page.on('crash', () => resolveExit(3));
  await page.goto(url);
  const code = await exited;
  if (code !== 0) await page.screenshot({ path: path.join(outDir, 'host-failure.png') }).catch(() => undefined);
  await browser.close();
  console.log(`extension host exited with code ${code}`);
  return code;
}

main().then((c) => process.exit(c), (e: unknown) => { console.error(e); process.exit(1); });
