import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';
import { PLAN_FIXTURES } from './expectedPlans';

interface BudgetJson {
  budget: { bpw?: number; bytes?: number };
  candidates: string[];
  weighted: boolean;
  tensors: { name: string; type: string; bytes: number; requested: string | null; reason: string; predicted: { relErr: number; sqnrDb: number | null; damage: number } }[];
  totalBytes: number;
  bitsPerWeight: number;
  predictedDamage: number;
  damageLowerBound: number;
  optimalityGap: number;
  pareto: { bytes: number; bitsPerWeight: number; predictedDamage: number }[];
  presets: { preset: string; totalBytes: number; bitsPerWeight: number; predictedDamage: number }[];
  refit: { scale: number; measured: number; predictedBefore: number } | null;
  imatrix: { format: string; tensors: { name: string; energy: number }[]; layers: { layer: number | null }[] } | null;
}

const SAMPLE = path.join(__dirname, '..', '..', '..', 'samples', 'mlp', 'model.safetensors');

describe('plan --budget-bpw / --budget-bytes (the solver through the CLI)', function () {
  this.timeout(120_000);
  const cache = suiteTempDir('quantlens-plan-cache-');

  const plan = async (...args: string[]): Promise<BudgetJson> => {
    const r = await run('plan', ...args, '--cache', cache(), '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as BudgetJson;
  };

  /** The plan at Q4_K_M's size over the default candidates, and Q4_K_M priced by the same errors. */
  const atQ4KM = async (file: string): Promise<{ solved: BudgetJson; stock: BudgetJson['presets'][number] }> => {
    const common = ['--target', 'llama.cpp', '--presets', 'Q4_K_M'];
    const first = await plan(file, '--budget-bpw', '16', ...common);
    const stock = first.presets[0]!;
    assert.equal(stock.preset, 'Q4_K_M');
    const solved = await plan(file, '--budget-bytes', String(stock.totalBytes), ...common);
    assert.ok(solved.totalBytes <= stock.totalBytes, `${solved.totalBytes} > ${stock.totalBytes}`);
    // the same errors price both: the preset's prediction does not move with the budget
    assert.equal(solved.presets[0]!.predictedDamage, stock.predictedDamage);
    const sum = solved.tensors.reduce((d, t) => d + t.predicted.damage, 0);
    assert.ok(Math.abs(sum - solved.predictedDamage) <= 1e-9 * solved.predictedDamage);
    assert.ok(solved.damageLowerBound <= solved.predictedDamage && solved.optimalityGap >= 0);
    return { solved, stock };
  };

  for (const fixture of ['llama-gqa.gguf', 'hf-llama']) {
    it(`${fixture}: at Q4_K_M's size, strictly less predicted damage than Q4_K_M`, async () => {
      const { solved, stock } = await atQ4KM(path.join(PLAN_FIXTURES, fixture));
      assert.ok(solved.predictedDamage < stock.predictedDamage, `plan ${solved.predictedDamage} vs Q4_K_M ${stock.predictedDamage}`);
    });
  }

  it("the bundled sample (generic rules): at Q4_K_M's size, strictly less predicted damage than Q4_K_M", async () => {
    // fc1's 784-value rows take only F16; IQ4_XS on fc2 pays for Q8_0 on fc3
    const { solved, stock } = await atQ4KM(SAMPLE);
    assert.ok(solved.predictedDamage < stock.predictedDamage, `plan ${solved.predictedDamage} vs Q4_K_M ${stock.predictedDamage}`);
  });

  it("follows llama-quantize's fallbacks where a candidate does not fit a row, and says so", async () => {
    // Q4_K_M's size: reachable with the default candidates (rows of 32 and 64 take the 32-value types)
    const gqa = await plan(path.join(PLAN_FIXTURES, 'llama-gqa.gguf'), '--budget-bpw', '5.35');
    assert.ok(gqa.bitsPerWeight <= 5.35 && gqa.bitsPerWeight > 5.3, `${gqa.bitsPerWeight}`);
    // k-quants only: rows of 32 (ffn_down) and 48 (odd-rows ffn_down) take Q5_0 / Q8_0 / F16 as llama-quantize would
    const odd = await plan(path.join(PLAN_FIXTURES, 'odd-rows.gguf'), '--budget-bpw', '16', '--candidates', 'q4_k,q6_k');
    const byName = new Map(odd.tensors.map((t) => [t.name, t]));
    const output = byName.get('blk.0.attn_output.weight')!;
    assert.equal(output.type, 'Q8_0');
    assert.equal(output.requested, 'Q6_K');
    assert.match(output.reason, /; fallback: row of 64 not a multiple of 256 \(Q6_K\) -> Q8_0$/);
    const down = byName.get('blk.0.ffn_down.weight')!;
    assert.equal(down.type, 'F16');
    assert.match(down.reason, /fallback: row of 48 not a multiple of 256 \(Q(4|6)_K\), nor of 32 \(Q(5|8)_0\) -> F16/);
    const smallest = await run('plan', path.join(PLAN_FIXTURES, 'odd-rows.gguf'), '--budget-bpw', '1', '--candidates', 'q4_k,q6_k', '--cache', cache());
    // the smallest plan: Q4_K where it fits, Q5_0 for rows of 64, F16 for rows of 48
    assert.match(smallest.stderr, /smallest plan over these candidates: 5\.9957 bits per weight/);
  });

  it('reports the whole front, bpw as llama.cpp counts it, and a budget within it', async () => {
    const file = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
    const json = await plan(file, '--budget-bpw', '7');
    // the k-quants and the 32-value types, so rows of 32 and 64 have real choices
    assert.deepEqual(json.candidates, ['Q4_K', 'Q5_K', 'Q6_K', 'Q8_0', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'IQ4_NL', 'IQ4_XS']);
    assert.deepEqual(json.budget, { bpw: 7 });
    assert.ok(json.bitsPerWeight <= 7);
    assert.equal(json.weighted, false);
    assert.ok(json.pareto.length > 20);
    for (let k = 1; k < json.pareto.length; k++) {
      assert.ok(json.pareto[k]!.bytes > json.pareto[k - 1]!.bytes && json.pareto[k]!.predictedDamage < json.pareto[k - 1]!.predictedDamage);
    }
    const total = json.tensors.reduce((n, t) => n + t.bytes, 0);
    assert.equal(total, json.totalBytes);
    const values = json.totalBytes * 8 / json.bitsPerWeight;
    assert.ok(Math.abs(json.pareto[0]!.bitsPerWeight - (8 * json.pareto[0]!.bytes) / values) < 1e-9);
    assert.ok(json.tensors.every((t) => t.reason.startsWith('solver: ') || t.reason.startsWith('kept as ')));
  });

  it('weights errors by an imatrix and shows its statistics; refits to a measured plan', async () => {
    const file = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
    const imatrix = path.join(PLAN_FIXTURES, 'imatrix', 'llama-gqa.imatrix.dat');
    const weighted = await plan(file, '--budget-bpw', '7', '--imatrix', imatrix);
    assert.equal(weighted.weighted, true);
    assert.equal(weighted.imatrix!.format, 'dat');
    assert.equal(weighted.imatrix!.layers.length, 8);
    const unweighted = await plan(file, '--budget-bpw', '7');
    assert.notEqual(weighted.predictedDamage, unweighted.predictedDamage);
    const measuredFile = path.join(cache(), 'measured.json');
    writeFileSync(measuredFile, JSON.stringify(unweighted));
    const refit = await plan(file, '--budget-bpw', '7', '--refit', `${measuredFile}=0.05`);
    assert.ok(Math.abs(refit.refit!.predictedBefore - unweighted.predictedDamage) <= 1e-9 * unweighted.predictedDamage);
    // the same plan, its damage now in the measured unit
    assert.ok(Math.abs(refit.predictedDamage - 0.05) < 1e-9, `${refit.predictedDamage}`);
    assert.deepEqual(refit.tensors.map((t) => t.type), unweighted.tensors.map((t) => t.type));
  });

  it('refuses an impossible budget before computing any error: nothing cached, nothing written', async () => {
    const out = path.join(cache(), 'never-written.txt');
    const cacheDir = path.join(cache(), 'unused-cache');
    const r = await run('plan', path.join(PLAN_FIXTURES, 'llama-gqa.gguf'), '--budget-bpw', '4', '--export', 'llama.cpp', '--out', out, '--cache', cacheDir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /budget 4 bits per weight is below the smallest plan over these candidates: 4\.5618 bits per weight \(310,784 bytes\)/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!existsSync(out), 'no export written');
    assert.ok(!existsSync(cacheDir) || readdirSync(cacheDir).length === 0, 'no error computed and cached');
    // the same figure the solver reports once the errors are known
    const reachable = await plan(path.join(PLAN_FIXTURES, 'llama-gqa.gguf'), '--budget-bytes', '310784');
    assert.equal(reachable.pareto[0]!.bytes, 310_784);
  });

  it('refuses bad input in one line, writing nothing', async () => {
    const file = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
    const out = path.join(cache(), 'never.txt');
    const cases: [string[], RegExp][] = [
      [['--budget-bpw', '2', '--export', 'llama.cpp', '--out', out], /below the smallest plan over these candidates: 4\.5618 bits per weight \(310,784 bytes\)/],
      [['--budget-bpw', '7', '--imatrix', path.join(PLAN_FIXTURES, 'imatrix', 'moe.imatrix.gguf')], /blk\.0\.ffn_down_exps\.weight is not a tensor of the model/],
      [['--budget-bpw', '7', '--candidates', 'q4_k,q9_z'], /'q9_z' is not a llama\.cpp candidate/],
      [['--budget-bpw', 'x'], /--budget-bpw x is not a positive number/],
      [['--budget-bpw', '7', '--preset', 'Q4_K_M'], /exactly one of --preset, --budget-bpw, --budget-bytes/],
      [['--budget-bpw', '7', '--refit', 'plan.json'], /expected PLAN\.json=VALUE/],
      [['--preset', 'Q4_K_M', '--candidates', 'q4_k'], /--candidates is for --budget-bpw/],
    ];
    for (const [args, message] of cases) {
      const r = await run('plan', file, ...args, '--cache', cache());
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.throws(() => rmSync(out), /ENOENT/);
  });
});
