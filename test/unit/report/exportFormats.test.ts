import * as assert from 'node:assert/strict';
import { formatForFile, REPORT_FORMAT_NAMES, REPORT_FORMATS } from '../../../src/core/report/formats';
import { EXPORT_FORMATS } from '../../../src/shared/webviewProtocol';

describe('report export formats', () => {
  it('the extension exports every report format the CLI writes, plus the HTML page', () => {
    assert.deepEqual([...EXPORT_FORMATS].sort(), [...REPORT_FORMAT_NAMES, 'html'].sort());
  });

  it('names each exported file with an ending that picks its format again (analyze --out)', () => {
    for (const f of REPORT_FORMAT_NAMES) {
      const ending = REPORT_FORMATS[f].extensions[0];
      assert.equal(formatForFile(`model.quantlens${ending}`), f);
    }
  });
});
