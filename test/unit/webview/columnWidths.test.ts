import * as assert from 'node:assert/strict';
import { gridColumns } from '../../../webview/columnWidths';

describe('gridColumns (virtual table column template)', () => {
  it('keeps the cells\' widths when the header and footer texts fit', () => {
    assert.deepEqual(gridColumns([{ min: 160, share: 3 }, 64, 120], [60, 50, 40]), { template: 'minmax(160px, 3fr) 64px 120px', minWidth: 344 });
  });

  it('widens a column to its header or footer text, rounding up to whole pixels', () => {
    // "Params" in a bold font with the cell padding needs 67.4 px; "SQNR by bits" needs 107.2 px.
    assert.deepEqual(gridColumns([64, { min: 80, share: 1 }], [67.4, 107.2]), { template: '68px minmax(108px, 1fr)', minWidth: 176 });
  });

  it('uses the cells\' widths alone before anything is measured', () => {
    assert.equal(gridColumns([100, { min: 80, share: 2 }], []).template, '100px minmax(80px, 2fr)');
  });
});
