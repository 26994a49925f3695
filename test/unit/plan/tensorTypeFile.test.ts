import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import { planLlamaCppPreset } from '../../../src/core/plan/llamaCpp/planPreset';
import { exportBase, tensorTypeFile } from '../../../src/core/plan/llamaCpp/tensorTypeFile';
import { llamaQuantizeOrSkip } from '../helpers/llamaCppTools';
import { suiteTempDir } from '../helpers/tempDir';
import { run } from '../cli/run';
import { PLAN_FIXTURES } from './expectedPlans';

interface PlannedTypes {
  readonly tensors: readonly { name: string; type: string; bytes: number; reason: string }[];
  readonly totalBytes: number;
}

interface PlanJson extends PlannedTypes {
  export: { target: string; file: string; baseType: string };
}

describe('llama.cpp --tensor-type-file export', () => {
  const tmp = suiteTempDir('quantlens-plan-');

  it('writes one anchored pattern per quantizable tensor, still exact once llama-quantize lower-cases it', async () => {
    const model = await openLlamaModel([path.join(PLAN_FIXTURES, 'moe.gguf')]);
    const plan = planLlamaCppPreset(model, { preset: 'Q4_K_M' });
    const lines = tensorTypeFile(plan, model).trimEnd().split('\n');
    assert.ok(lines.includes('^blk\\.1\\.ffn_down_exps\\.weight$=q8_0'), lines.join('\n'));
    assert.ok(lines.includes('^output\\.weight$=q6_K'));
    assert.ok(!lines.some((l) => l.includes('norm') || l.includes('ffn_gate_inp')), 'norms and routers are never quantized');
    const quantizable = plan.tensors.filter((t) => !t.reason.startsWith('kept')).length;
    assert.equal(lines.length, quantizable);
    const capital = tensorTypeFile({ ...plan, tensors: [{ ...plan.tensors[2]!, name: 'blk.0.Attn_q.weight' }] }, { ...model, tensors: [{ ...model.tensors[2]!, name: 'blk.0.Attn_q.weight' }] });
    assert.equal(capital, '^blk\\.0\\.\\x41ttn_q\\.weight$=q4_K\n');
    assert.equal(exportBase(plan), 'Q4_K_M');
    assert.equal(exportBase(planLlamaCppPreset(model, { preset: 'BF16' })), 'Q8_0');
  });

  describe('given to the real llama-quantize, writes exactly the planned types and bytes', function () {
    const quantize = llamaQuantizeOrSkip(this);

    /** Quantizes `input` with the file and base type, then compares the written GGUF with the plan. */
    async function quantizeAndCompare(input: string, typeFile: string, base: string, plan: PlannedTypes): Promise<void> {
      const out = path.join(tmp(), `out-${path.basename(typeFile)}.gguf`);
      quantize(['--tensor-type-file', typeFile, input, out, base]);
      const written = await openModel([out]);
      const byName = new Map(written.tensors.map((t) => [t.name, t]));
      await written.close();
      assert.equal(byName.size, plan.tensors.length);
      for (const t of plan.tensors) {
        assert.equal(byName.get(t.name)?.dtype, t.type, `${t.name} (${t.reason})`);
        assert.equal(byName.get(t.name)?.byteLength, t.bytes, t.name);
      }
      assert.equal([...byName.values()].reduce((n, t) => n + t.byteLength, 0), plan.totalBytes);
    }

    it('a plan that is not a stock mix (--keep, through the CLI): the JSON names the base type', async () => {
      const input = path.join(PLAN_FIXTURES, 'moe.gguf');
      const file = path.join(tmp(), 'keep.txt');
      const r = await run('plan', input, '--preset', 'Q3_K_L', '--keep', 'attn_q|exps', '--export', 'llama.cpp', '--out', file, '--json');
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as PlanJson;
      assert.deepEqual(plan.export, { target: 'llama.cpp', file, baseType: 'Q3_K_L' });
      assert.ok(plan.tensors.some((t) => t.name === 'blk.0.ffn_up_exps.weight' && t.type === 'F16'));
      await quantizeAndCompare(input, file, plan.export.baseType, plan);
    });

    it('one preset\'s plan under another base type: the file alone decides every type, fallbacks included', async () => {
      const input = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
      const model = await openLlamaModel([input]);
      const plan = planLlamaCppPreset(model, { preset: 'Q5_K_S' });
      const file = path.join(tmp(), 'q5ks.txt');
      writeFileSync(file, tensorTypeFile(plan, model));
      await quantizeAndCompare(input, file, 'Q4_K_M', plan);
    });

    it('a solver plan (--budget-bpw, through the CLI): a mix of types no preset writes', async () => {
      const input = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
      const file = path.join(tmp(), 'solver.txt');
      const r = await run('plan', input, '--budget-bpw', '5.6', '--candidates', 'q4_k,q5_k,q6_k,q8_0,q5_0,q4_0',
        '--export', 'llama.cpp', '--out', file, '--json', '--cache', tmp());
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as PlanJson;
      assert.equal(plan.export.baseType, 'Q8_0');
      assert.ok(new Set(plan.tensors.filter((t) => t.reason.startsWith('solver')).map((t) => t.type)).size >= 3, 'a real mix');
      await quantizeAndCompare(input, file, plan.export.baseType, plan);
    });

    it('an unquantized preset with kept tensors goes through a Q8_0 base', async () => {
      const input = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
      const file = path.join(tmp(), 'bf16.txt');
      const r = await run('plan', input, '--preset', 'BF16', '--keep', 'ffn_(up|gate)', '--export', 'llama.cpp', '--out', file, '--json');
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as PlanJson;
      assert.equal(plan.export.baseType, 'Q8_0');
      assert.ok(existsSync(file) && readFileSync(file, 'utf8').includes('=bf16'));
      await quantizeAndCompare(input, file, plan.export.baseType, plan);
    });
  });
});
