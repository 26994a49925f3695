import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandPaths } from '../../../src/core/formats/folders';
import { openModel } from '../../../src/core/formats/registry';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

describe('folders', () => {
  it('an ONNX folder stands for its model, not its external data file', async () => {
    const folder = path.join(FIXTURES, 'onnx', 'external');
    assert.deepEqual(await expandPaths([folder]), [path.join(folder, 'model.onnx')]);
    const model = await openModel([folder]);
    try {
      assert.equal(model.format, 'onnx');
      assert.ok(model.tensors.length > 0);
    } finally {
      await model.close();
    }
  });

  it('a folder with two ONNX models asks which one', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ql-folders-'));
    try {
      await fs.writeFile(path.join(dir, 'a.onnx'), '');
      await fs.writeFile(path.join(dir, 'b.onnx'), '');
      await assert.rejects(expandPaths([dir]), /several ONNX model files/);
    } finally {
      await fs.rm(dir, { recursive: true });
    }
  });
});
