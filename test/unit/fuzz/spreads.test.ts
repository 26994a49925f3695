import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inlineBranch } from '../../../src/core/calib/ifInline';
import type { GraphProto, NodeProto } from '../../../src/core/onnxproto/types';

const ROOT = path.join(__dirname, '..', '..', '..');

/**
 * Issue 12's stack overflows from spreading big arrays into calls (push(...x), splice(..., ...x)):
 * a call takes at most about 125k arguments on the CLI's 1 MB stack, whatever the readers' limits allow.
 */
describe('no unbounded spread into a call', function () {
  // Building 200k-entry graphs and 20k files is slow on a loaded machine.
  this.timeout(300_000);
  /** More If-branch entries than a call takes arguments on a 1 MB stack. */
  const BRANCH_ENTRIES = 200_001;

  it('inlining an If branch of 200k nodes, initializers and value infos', () => {
    const identity = (i: number): NodeProto => ({ op_type: 'Identity', name: `n${i}`, input: [i === 0 ? 'x' : `v${i - 1}`], output: [`v${i}`], attribute: [] });
    const branch: GraphProto = {
      node: Array.from({ length: BRANCH_ENTRIES }, (_, i) => identity(i)),
      initializer: Array.from({ length: BRANCH_ENTRIES }, (_, i) => ({ name: `w${i}`, dims: [], float_data: [i], int32_data: [], int64_data: [], double_data: [], uint64_data: [], external_data: [] })),
      input: [],
      output: [{ name: `v${BRANCH_ENTRIES - 1}` }],
      value_info: Array.from({ length: BRANCH_ENTRIES }, (_, i) => ({ name: `v${i}` })),
    };
    const ifNode: NodeProto = { op_type: 'If', name: 'If_0', input: ['cond'], output: ['y'], attribute: [{ name: 'then_branch', g: branch }] };
    const graph: GraphProto = {
      node: [{ op_type: 'Identity', name: 'c', input: ['flag'], output: ['cond'], attribute: [] }, ifNode, { op_type: 'Identity', name: 'after', input: ['y'], output: ['z'], attribute: [] }],
      initializer: [],
      input: [{ name: 'x' }, { name: 'flag' }],
      output: [{ name: 'z' }],
      value_info: [],
    };
    assert.equal(inlineBranch(graph, 1, ifNode, branch), true);
    assert.equal(graph.node.length, 1 + BRANCH_ENTRIES + 1 + 1);
    assert.deepEqual([graph.node[0]!.name, graph.node[1]!.name, graph.node[BRANCH_ENTRIES]!.name, graph.node[BRANCH_ENTRIES + 1]!.name, graph.node.at(-1)!.name], ['c', 'n0', `n${BRANCH_ENTRIES - 1}`, 'If_0/inlined_output_0', 'after']);
    assert.equal(graph.initializer.length, BRANCH_ENTRIES);
    assert.equal(graph.value_info.length, BRANCH_ENTRIES);
  });

  /**
   * A folder of more files than a call takes arguments. Writing 200k files takes 20 s to minutes
   * on a shared machine, so the folder is 20k and the process's stack 64 KB instead of 1 MB (a
   * call then takes about 8k arguments): the same overflow at a tenth of the files.
   */
  const FOLDER_FILES = 20_000;
  const SMALL_STACK_KB = 64;

  it(`expanding a folder of ${FOLDER_FILES} files on a ${SMALL_STACK_KB} KB stack`, async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ql-spread-'));
    try {
      for (let i = 0; i < FOLDER_FILES; i++) await (await fs.open(path.join(dir, `model-${i}.safetensors`), 'w')).close();
      const script = `require('./src/core/formats/folders.ts').expandPaths([${JSON.stringify(dir)}]).then(
        (files) => process.stdout.write(String(files.length)),
        (e) => { process.stdout.write(String(e)); process.exitCode = 1; })`;
      const run = spawnSync(process.execPath, [`--stack-size=${SMALL_STACK_KB}`, '--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(run.stdout, String(FOLDER_FILES), run.stderr);
      assert.equal(run.status, 0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
