// The extensionTestsPath module: the extension host calls run() and exits with its outcome.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/** Per-test limit: opening and analysing the fixtures takes a few seconds at most. */
const TEST_TIMEOUT_MS = 60_000;

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: TEST_TIMEOUT_MS, reporter: 'spec' });
  const only = process.env['QUANTLENS_HOST_GREP'];
  if (only) mocha.grep(only);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} host tests failed`)) : resolve()));
  });
}
